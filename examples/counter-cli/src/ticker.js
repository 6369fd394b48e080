// Edit `tick` (say, "tick" -> "tock") and save while the counter runs: the next tick prints
// the new text and the count carries on. Nothing is evaluated again for that edit; an edit
// outside function bodies (a new top-level line, say) evaluates this module again, as the rest shows.

/* @chaud.persist */
let ticks = 0; // keeps its value when this module is re-evaluated

/* @chaud.hot */
function tick() {
  ticks++;
  console.log(`tick #${ticks}`);
}

// Persisted: made once per process, so re-evaluating this module does not start a second
// interval. It was given `tick`, which is hot: it runs the newest `tick` from now on.
/* @chaud.persist */
const timer = setInterval(tick, 1000);

// Not persisted: every evaluation of this module adds its own stdin listener, so the old
// version has to remove its own before the new one adds another (else Enter would print
// the count twice after one reload, three times after two...).
function onEnter() {
  console.log(`${ticks} ticks so far`);
}
process.stdin.on("data", onEnter);

/* @chaud.dispose */
function dispose() {
  process.stdin.off("data", onEnter);
  console.log("ticker.js: disposed the old version (removed its stdin listener)");
}

module.exports = { timer };
