// Electron's main process. Started with `-r chaud/register` (see package.json), so this file
// and what it requires are compiled with chaud's plugin; initElectron() starts chaud here and
// reloads the window when renderer/ or preload.js changes.

const path = require("node:path");
const { app, BrowserWindow, ipcMain } = require("electron");
const { initElectron } = require("chaud/electron");

// relaunch: set CHAUD_RELAUNCH=1 to restart the app when this file's top-level code changes.
const hot = initElectron({ relaunch: process.env.CHAUD_RELAUNCH === "1" });

/* @chaud.persist */
let clicks = 0; // survives every reload of this file

// Handed to ipcMain once; every call runs the newest saved version. Edit the greeting and save.
/* @chaud.hot */
function onClick(_event, name) {
  clicks++;
  return `Hello ${name}, click #${clicks}`;
}

app.whenReady().then(() => {
  ipcMain.handle("click", onClick);
  const preload = path.join(__dirname, "preload.js");
  const window = new BrowserWindow({ width: 480, height: 320, title: "chaud", webPreferences: { preload } });
  // The preload script cannot be read back from a window: tell chaud which one it uses.
  hot.trackWindow(window, { preload });
  window.loadFile(path.join(__dirname, "renderer/index.html"));
});

app.on("window-all-closed", () => app.quit());
