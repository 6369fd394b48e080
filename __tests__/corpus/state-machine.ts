// A checkout state machine: states and events as const data, a hot reducer.

export const STATES = ["cart", "shipping", "payment", "confirmed", "cancelled"] as const;
export type State = (typeof STATES)[number];

export type Event =
  | { type: "next" }
  | { type: "back" }
  | { type: "cancel"; reason: string }
  | { type: "pay"; amountCents: number };

interface Machine {
  state: State;
  history: State[];
  paidCents: number;
  cancelReason?: string;
}

const transitions = {
  cart: { next: "shipping", cancel: "cancelled" },
  shipping: { next: "payment", back: "cart", cancel: "cancelled" },
  payment: { pay: "confirmed", back: "shipping", cancel: "cancelled" },
  confirmed: {},
  cancelled: {},
} as const satisfies Record<State, Partial<Record<Event["type"], State>>>;

/* @chaud.persist */
export let machine: Machine = { state: "cart", history: [], paidCents: 0 };

/* @chaud.hot */
export const reduce = (current: Machine, event: Event): Machine => {
  const table: Partial<Record<Event["type"], State>> = transitions[current.state];
  const target = table[event.type];
  if (!target) return current;
  const next: Machine = { ...current, state: target, history: [...current.history, current.state] };
  switch (event.type) {
    case "pay":
      next.paidCents += event.amountCents;
      break;
    case "cancel":
      next.cancelReason = event.reason;
      break;
    default:
      break;
  }
  return next;
};

export function dispatch(event: Event): State {
  machine = reduce(machine, event);
  return machine.state;
}

export function reset(): void {
  machine = { state: "cart", history: [], paidCents: 0 };
}

export const isFinal = (state: State): state is "confirmed" | "cancelled" => state === "confirmed" || state === "cancelled";
