// A short, stable content hash (32-bit FNV-1a, base 36) for function and initializer source.
// It only has to tell "changed" from "unchanged" between two versions of one item, so a
// cryptographic hash would cost time for nothing.

export function contentHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

/** Hash of source text with runs of white space folded, so re-indenting is not a change. */
export function sourceHash(text: string): string {
  return contentHash(text.replace(/\s+/g, " ").trim());
}
