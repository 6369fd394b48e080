// An application-wide event bus. The emitter persists so listeners registered elsewhere
// stay attached; the handlers are hot so their code can change while the app runs.
import { EventEmitter } from "node:events";

/* @chaud.persist */
export const bus = new EventEmitter({ captureRejections: true });

/* @chaud.persist */
let delivered = 0;

const history = [];

/* @chaud.hot */
export function onUserCreated({ id, name }) {
  delivered++;
  history.push({ type: "user.created", id, at: Date.now() });
  return `welcome ${name ?? "anonymous"} (#${id})`;
}

/* @chaud.hot */
export async function onOrderPlaced(order) {
  delivered++;
  const total = order.lines?.reduce((sum, { price, quantity = 1 }) => sum + price * quantity, 0) ?? 0;
  history.push({ type: "order.placed", id: order.id, total });
  return total;
}

export function subscribe() {
  bus.on("user.created", onUserCreated);
  bus.on("order.placed", onOrderPlaced);
  return () => {
    bus.off("user.created", onUserCreated);
    bus.off("order.placed", onOrderPlaced);
  };
}

// @chaud.dispose
function detach() {
  bus.off("user.created", onUserCreated);
  bus.off("order.placed", onOrderPlaced);
  history.length = 0;
}

export function stats() {
  return {
    delivered,
    listeners: bus.listenerCount("user.created") + bus.listenerCount("order.placed"),
    recent: history.slice(-5),
  };
}

export { detach as unsubscribeAll };
