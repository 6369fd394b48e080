// Which files a window's page loads, as far as the main process can tell without asking the
// renderer: the page itself (a file: URL) and the local scripts and stylesheets its HTML
// names (`<script src>`, `<link href>`). Modules those scripts import are not followed: list
// them (or their folder) in initElectron's `renderer` option.

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readText } from "../../runtime/fs";

const REFERENCE = /<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']/gi;

/** The page's file and the local files its HTML references; none for http(s) pages. */
export function filesOfPage(url: string): string[] {
  if (!url.startsWith("file:")) return [];
  let page: string;
  try {
    page = fileURLToPath(url.replace(/[?#].*$/, ""));
  } catch {
    return [];
  }
  const html = readText(page);
  if (html === null) return [page];
  const files = [page];
  for (const match of html.matchAll(REFERENCE)) {
    const reference = match[1]!.replace(/[?#].*$/, "");
    // Remote and data URLs are not files the app ships.
    if (/^[a-z][a-z0-9+.-]*:/i.test(reference) && !reference.startsWith("file:")) continue;
    if (reference.startsWith("//")) continue;
    try {
      files.push(
        reference.startsWith("file:")
          ? fileURLToPath(reference)
          : resolve(dirname(page), decodeURIComponent(reference)),
      );
    } catch {
      // a malformed reference: skip it
    }
  }
  return files;
}
