import { createPortal } from "react-dom";
import { useCallback, useEffect, useId, useRef } from "react";

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

export function Modal({ open, title, onClose, children, footer = null }) {
  const titleId = useId();
  const dialog = useRef(null);
  const previous = useRef(null);

  const trapFocus = useCallback((event) => {
    if (event.key === "Escape") return onClose();
    if (event.key !== "Tab" || !dialog.current) return;
    const nodes = [...dialog.current.querySelectorAll(FOCUSABLE)];
    if (nodes.length === 0) return;
    const [first, last] = [nodes[0], nodes[nodes.length - 1]];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }, [onClose]);

  useEffect(() => {
    if (!open) return undefined;
    previous.current = document.activeElement;
    dialog.current?.querySelector(FOCUSABLE)?.focus();
    document.addEventListener("keydown", trapFocus);
    return () => {
      document.removeEventListener("keydown", trapFocus);
      previous.current?.focus?.();
    };
  }, [open, trapFocus]);

  if (!open) return null;
  return createPortal(
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={dialog} role="dialog" aria-modal="true" aria-labelledby={titleId} className="modal">
        <h2 id={titleId}>{title}</h2>
        <div className="modal-body">{children}</div>
        <footer>
          {footer ?? (
            <button type="button" onClick={onClose}>
              Close
            </button>
          )}
        </footer>
      </div>
    </div>,
    document.body,
  );
}
