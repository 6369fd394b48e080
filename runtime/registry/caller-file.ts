// Which module called into the registry, read off the V8 stack: the first frame outside the
// registry's own files (this one, and registry.ts and module-handle.ts, marked as they load).

const registryFiles = new Set<string>();

/** Counts the file whose top-level code calls this as one of the registry's own. */
export function markRegistryFile(): void {
  const file = stackFiles(new Error())?.[1];
  if (file) registryFiles.add(file);
}

/**
 * The file of the module whose top-level code called into the registry: the first stack
 * frame outside the registry's files. Used where no loader reports modules (plain ESM calling init()).
 */
export function callerFile(): string | null {
  const files = stackFiles(new Error());
  const own = files?.[0];
  for (const file of files ?? []) {
    if (file && file !== own && !registryFiles.has(file) && !file.startsWith("node:")) return file;
  }
  return null;
}

/** The file of each frame `error` captured (V8 formats the stack on first read), or null. */
function stackFiles(error: Error): Array<string | null | undefined> | null {
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, sites) => sites;
    const sites = error.stack as unknown as Array<{ getFileName(): string | null | undefined }>;
    return sites.map((site) => site.getFileName());
  } catch {
    return null;
  } finally {
    Error.prepareStackTrace = original;
  }
}
