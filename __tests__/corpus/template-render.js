// A mustache-like template renderer: {{name}}, {{#list}}…{{/list}}, {{^empty}}…{{/empty}}.

const TAG = /\{\{([#^/]?)\s*([\w.]+)\s*\}\}/g;

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch]);

function lookup(context, path) {
  if (path === ".") return context.at(-1);
  for (let i = context.length - 1; i >= 0; i--) {
    const value = path.split(".").reduce((obj, key) => obj?.[key], context[i]);
    if (value !== undefined) return value;
  }
  return undefined;
}

function parse(template) {
  const root = { children: [] };
  const stack = [root];
  let last = 0;
  for (const match of template.matchAll(TAG)) {
    const [whole, sigil, name] = match;
    const top = stack.at(-1);
    top.children.push(template.slice(last, match.index));
    last = match.index + whole.length;
    if (sigil === "#" || sigil === "^") {
      const section = { name, inverted: sigil === "^", children: [] };
      top.children.push(section);
      stack.push(section);
    } else if (sigil === "/") {
      if (stack.length === 1 || top.name !== name) throw new SyntaxError(`unexpected {{/${name}}} at ${match.index}`);
      stack.pop();
    } else {
      top.children.push({ variable: name });
    }
  }
  if (stack.length > 1) throw new SyntaxError(`unclosed section {{#${stack.at(-1).name}}}`);
  root.children.push(template.slice(last));
  return root;
}

function renderNodes(nodes, context) {
  let out = "";
  for (const node of nodes) {
    if (typeof node === "string") out += node;
    else if ("variable" in node) out += escapeHtml(lookup(context, node.variable) ?? "");
    else {
      const value = lookup(context, node.name);
      const truthy = Array.isArray(value) ? value.length > 0 : Boolean(value);
      if (node.inverted) out += truthy ? "" : renderNodes(node.children, context);
      else if (Array.isArray(value)) out += value.map((item) => renderNodes(node.children, [...context, item])).join("");
      else if (truthy) out += renderNodes(node.children, [...context, value]);
    }
  }
  return out;
}

export function render(template, data) {
  return renderNodes(parse(template).children, [data]);
}

export const html = (strings, ...values) => strings.reduce((out, s, i) => out + s + (i < values.length ? escapeHtml(values[i]) : ""), "");
