// The entry: `npm start` runs `chaud src/main.js`. chaud never re-runs an entry's top-level
// code in place (an edit of it restarts the program, and the count starts over), so
// everything worth editing lives in src/ticker.js.

console.log("counting every second: edit `tick` in src/ticker.js and save; press Enter for the count, Ctrl-C to quit");
require("./ticker");
