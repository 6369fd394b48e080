import React, { useEffect, useReducer } from "react";

/* @chaud.persist */
let mounts = 0;

/* @chaud.hot */
export function counterReducer(state, action) {
  switch (action.type) {
    case "increment":
      return { ...state, count: state.count + (action.by ?? 1) };
    case "decrement":
      return { ...state, count: Math.max(state.min, state.count - (action.by ?? 1)) };
    case "reset":
      return { ...state, count: state.initial };
    default:
      throw new Error(`unknown action ${action.type}`);
  }
}

/* @chaud.hot */
const formatCount = (count) => (count === 1 ? "1 click" : `${count.toLocaleString("en-US")} clicks`);

export function Counter({ initial = 0, min = 0, step = 1, label = "Clicks" }) {
  const [state, dispatch] = useReducer(counterReducer, { count: initial, initial, min });

  useEffect(() => {
    mounts++;
    document.title = `${label}: ${state.count}`;
  }, [label, state.count]);

  return (
    <div className="counter" role="group" aria-label={label}>
      <button onClick={() => dispatch({ type: "decrement", by: step })} disabled={state.count <= min}>
        −
      </button>
      <output>{formatCount(state.count)}</output>
      <button onClick={() => dispatch({ type: "increment", by: step })}>+</button>
      <button className="link" onClick={() => dispatch({ type: "reset" })}>
        reset
      </button>
      <small>mounted {mounts} times</small>
    </div>
  );
}

export default Counter;
