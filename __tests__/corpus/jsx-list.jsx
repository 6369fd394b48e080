import React, { useMemo, useState } from "react";

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

function Highlight({ text, query }) {
  if (!query) return <>{text}</>;
  const index = text.toLowerCase().indexOf(query.toLowerCase());
  if (index < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, index)}
      <mark>{text.slice(index, index + query.length)}</mark>
      {text.slice(index + query.length)}
    </>
  );
}

export function FilterableList({ items, renderExtra, emptyText = "Nothing matches." }) {
  const [query, setQuery] = useState("");
  const [descending, setDescending] = useState(false);

  const visible = useMemo(() => {
    const filtered = items.filter((item) => item.label.toLowerCase().includes(query.trim().toLowerCase()));
    filtered.sort((a, b) => collator.compare(a.label, b.label) * (descending ? -1 : 1));
    return filtered;
  }, [items, query, descending]);

  return (
    <section className="filterable-list">
      <header>
        <input placeholder="Filter…" value={query} onChange={(event) => setQuery(event.target.value)} />
        <button type="button" aria-pressed={descending} onClick={() => setDescending((d) => !d)}>
          {descending ? "Z → A" : "A → Z"}
        </button>
      </header>
      {visible.length === 0 ? (
        <p className="empty">{emptyText}</p>
      ) : (
        <ul>
          {visible.map(({ id, label, ...rest }) => (
            <li key={id} data-id={id}>
              <Highlight text={label} query={query.trim()} />
              {renderExtra?.(rest)}
            </li>
          ))}
        </ul>
      )}
      <footer>
        {visible.length} of {items.length} shown
      </footer>
    </section>
  );
}

export default FilterableList;
