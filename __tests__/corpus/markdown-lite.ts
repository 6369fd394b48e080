// Converts a small subset of Markdown to HTML: headings, emphasis, code, links and lists.

const INLINE_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/`([^`]+)`/g, "<code>$1</code>"],
  [/\*\*(.+?)\*\*/g, "<strong>$1</strong>"],
  [/(?<![*\w])\*(?!\s)(.+?)\*(?!\w)/g, "<em>$1</em>"],
  [/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a href="$2">$1</a>'],
];

const escape = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function inline(text: string): string {
  return INLINE_RULES.reduce((html, [pattern, replacement]) => html.replace(pattern, replacement), escape(text));
}

type Block = { kind: "heading"; level: number; text: string } | { kind: "list"; ordered: boolean; items: string[] } | { kind: "paragraph"; lines: string[] };

export function blocks(source: string): Block[] {
  const out: Block[] = [];
  for (const raw of source.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const last = out.at(-1);
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/.exec(line);
    if (heading) {
      out.push({ kind: "heading", level: heading[1]!.length, text: heading[2]! });
    } else if (item) {
      const ordered = item[2] !== undefined;
      if (last?.kind === "list" && last.ordered === ordered) last.items.push(item[3]!);
      else out.push({ kind: "list", ordered, items: [item[3]!] });
    } else if (line === "") {
      out.push({ kind: "paragraph", lines: [] });
    } else if (last?.kind === "paragraph") {
      last.lines.push(line);
    } else {
      out.push({ kind: "paragraph", lines: [line] });
    }
  }
  return out.filter((block) => block.kind !== "paragraph" || block.lines.length > 0);
}

export function toHtml(source: string): string {
  return blocks(source)
    .map((block) => {
      switch (block.kind) {
        case "heading":
          return `<h${block.level}>${inline(block.text)}</h${block.level}>`;
        case "list": {
          const tag = block.ordered ? "ol" : "ul";
          return `<${tag}>${block.items.map((i) => `<li>${inline(i)}</li>`).join("")}</${tag}>`;
        }
        case "paragraph":
          return `<p>${inline(block.lines.join(" "))}</p>`;
      }
    })
    .join("\n");
}
