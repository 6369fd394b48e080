import * as React from "react";

export interface Column<Row> {
  key: keyof Row & string;
  header: string;
  align?: "left" | "right";
  render?: (row: Row) => React.ReactNode;
}

interface TableProps<Row extends { id: string | number }> {
  rows: readonly Row[];
  columns: readonly Column<Row>[];
  caption?: string;
  onRowClick?: (row: Row) => void;
}

type SortState<Row> = { key: keyof Row; direction: 1 | -1 } | null;

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a ?? "").localeCompare(String(b ?? ""));
}

export function DataTable<Row extends { id: string | number }>({ rows, columns, caption, onRowClick }: TableProps<Row>) {
  const [sort, setSort] = React.useState<SortState<Row>>(null);

  const sorted = React.useMemo(() => {
    if (!sort) return rows;
    return [...rows].sort((a, b) => compare(a[sort.key], b[sort.key]) * sort.direction);
  }, [rows, sort]);

  const toggle = (key: keyof Row) =>
    setSort((current) => (current?.key === key ? (current.direction === 1 ? { key, direction: -1 } : null) : { key, direction: 1 }));

  return (
    <table>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.key} style={{ textAlign: column.align ?? "left" }} onClick={() => toggle(column.key)}>
              {column.header}
              {sort?.key === column.key ? (sort.direction === 1 ? " ▲" : " ▼") : null}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {sorted.map((row) => (
          <tr key={row.id} onClick={onRowClick && (() => onRowClick(row))}>
            {columns.map((column) => (
              <td key={column.key} style={{ textAlign: column.align ?? "left" }}>
                {column.render ? column.render(row) : String(row[column.key] ?? "")}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
