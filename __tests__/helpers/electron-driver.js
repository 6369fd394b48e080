// Loaded with `-r` in simulated Electron tests, after the program's modules are set up: answers
// commands on stdin with JSON lines on stdout. `invoke <channel> <arg>` calls an ipcMain
// handler as a renderer's ipcRenderer.invoke would; `quit` quits the app (will-quit) and
// reports chaud's status; `ready` is reported once the app's windows have loaded.

"use strict";
const { app, ipcMain, BrowserWindow } = require("electron");
const chaud = require("chaud");

const say = (type, extra = {}) => process.stdout.write(`${JSON.stringify({ type, ...extra })}\n`);
chaud.on("reload", (event) => say("reload", { files: event.files }));
process.stdin.on("data", (data) => {
  for (const line of data.toString().trim().split("\n")) {
    const [command, ...args] = line.split(" ");
    if (command === "invoke") {
      ipcMain.simulateInvoke(args[0], args[1]).then(
        (value) => say("invoked", { value }),
        (error) => say("invoked", { error: error.message }),
      );
    }
    if (command === "quit") {
      app.quit();
      say("quit", { status: chaud.status() });
    }
    if (command === "status") say("status", { status: chaud.status() });
  }
});
app
  .whenReady()
  .then(() =>
    setTimeout(() => say("ready", { windows: BrowserWindow.getAllWindows().length, status: chaud.status() }), 300),
  );
