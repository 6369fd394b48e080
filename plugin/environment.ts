// Whether the environment turns chaud on. Shared by the plugin and the runtime; no Babel here.

/** `CHAUD_HOT=1` (or `true`) turns the plugin on when its `enabled` option is absent. */
export function hotFromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const value = env["CHAUD_HOT"]?.trim().toLowerCase();
  return value === "1" || value === "true";
}
