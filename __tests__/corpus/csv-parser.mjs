// A streaming-friendly CSV parser: quoted fields, escaped quotes, CRLF, and header rows.

const NEEDS_QUOTES = /[",\r\n]/;

let rowsParsed = /* @chaud.persist */ 0;

/* @chaud.hot */
export function* parseRows(text, { delimiter = "," } = {}) {
  let field = "";
  let row = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rowsParsed++;
      yield row;
      [row, field] = [[], ""];
    } else field += ch;
  }
  if (quoted) throw new SyntaxError("unterminated quoted field");
  if (field !== "" || row.length > 0) {
    row.push(field);
    rowsParsed++;
    yield row;
  }
}

/* @chaud.hot */
export function toObjects(text, options) {
  const [header = [], ...rows] = parseRows(text, options);
  return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name.trim(), cells[i] ?? ""])));
}

export const quote = (value) => {
  const text = value == null ? "" : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function stringify(records, columns = Object.keys(records[0] ?? {})) {
  const lines = [columns.map(quote).join(",")];
  for (const record of records) lines.push(columns.map((column) => quote(record[column])).join(","));
  return lines.join("\r\n");
}

export const parsedSoFar = () => rowsParsed;
