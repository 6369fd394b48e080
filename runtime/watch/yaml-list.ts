// Just enough YAML to read one top-level list of strings, such as `packages:` in
// pnpm-workspace.yaml, without a YAML dependency. Block form (`- 'packages/*'`) and flow form
// (`['a', "b"]`) are both read; anything richer than a list of scalars is not this file's job.

const COMMENT = /(^|\s)#.*$/;

/** The strings listed under the top-level `key:` in `text`, or null when the key is absent. */
export function readYamlList(text: string, key: string): string[] | null {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith(`${key}:`));
  if (start === -1) return null;
  const rest = stripComment((lines[start] ?? "").slice(key.length + 1)).trim();
  if (rest.startsWith("[")) return readFlowList([rest, ...lines.slice(start + 1)].join("\n"));
  return readBlockList(lines.slice(start + 1));
}

/** `- item` lines until the first line at column 0 that is not an item (the next key). */
function readBlockList(lines: string[]): string[] {
  const items: string[] = [];
  for (const line of lines) {
    const text = line.trim();
    if (text === "" || text.startsWith("#")) continue;
    const item = /^-\s*(.*)$/.exec(text);
    if (item === null) {
      if (!/^\s/.test(line)) break; // a sibling key ends the list
      continue;
    }
    const value = scalar(item[1] ?? "");
    if (value !== "") items.push(value);
  }
  return items;
}

/** `[a, 'b', "c"]`, possibly spread over several lines. */
function readFlowList(text: string): string[] {
  const body = text.slice(text.indexOf("[") + 1);
  const end = body.indexOf("]");
  const inner = (end === -1 ? body : body.slice(0, end)).split("\n").map(stripComment).join(" ");
  return inner
    .split(",")
    .map(scalar)
    .filter((value) => value !== "");
}

/** An item's text: quoted scalars lose their quotes, plain ones their trailing comment. */
function scalar(raw: string): string {
  const text = raw.trim();
  const single = /^'((?:[^']|'')*)'/.exec(text);
  if (single !== null) return (single[1] ?? "").replace(/''/g, "'");
  const double = /^"((?:[^"\\]|\\.)*)"/.exec(text);
  if (double !== null) return (double[1] ?? "").replace(/\\(.)/g, "$1");
  return stripComment(text).trim();
}

function stripComment(text: string): string {
  return text.replace(COMMENT, "");
}
