// A stand-in for the `electron` module in simulated tests (the Electron binary cannot be
// downloaded here). It implements only the public API chaud/electron and the example use:
// `app`, `BrowserWindow` (with its `webContents`), `webContents`, `ipcMain`. Every call a
// test cares about is printed as a JSON line on stdout: {"type":"electron","call":...}.
// Loaded with `-r`, `simulate.js` next to it sets process.versions.electron first, as the
// Electron runtime does.

"use strict";
const { EventEmitter } = require("node:events");
const { resolve } = require("node:path");
const { pathToFileURL } = require("node:url");

function record(call, details = {}) {
  process.stdout.write(`${JSON.stringify({ type: "electron", call, ...details })}\n`);
}

const app = new EventEmitter();
// Electron's main process runs until the app quits, whatever its event loop holds.
const alive = setInterval(() => {}, 1 << 30);
app.isReady = () => true;
app.whenReady = () => Promise.resolve();
app.getAppPath = () => process.cwd();
app.relaunch = () => record("relaunch");
app.exit = (code = 0) => {
  record("exit", { code });
  process.exit(code);
};
// Electron's order: before-quit, window-all-closed handling aside, will-quit, quit.
app.quit = () => {
  app.emit("before-quit", { preventDefault() {} });
  app.emit("will-quit", { preventDefault() {} });
  app.emit("quit", { preventDefault() {} }, 0);
  record("quit");
  clearInterval(alive);
};

let nextId = 1;
const allContents = [];
const allWindows = [];

class WebContents extends EventEmitter {
  constructor() {
    super();
    this.id = nextId++;
    this.url = "";
    this.destroyed = false;
    allContents.push(this);
  }
  getURL() {
    return this.url;
  }
  isDestroyed() {
    return this.destroyed;
  }
  reloadIgnoringCache() {
    record("reloadIgnoringCache", { window: this.windowName });
    setImmediate(() => this.emit("did-finish-load"));
  }
  reload() {
    record("reload", { window: this.windowName });
  }
  loadURL(url) {
    this.url = url;
    setImmediate(() => this.emit("did-finish-load"));
    return Promise.resolve();
  }
  send(channel, ...args) {
    record("send", { window: this.windowName, channel, args });
  }
}

class BrowserWindow extends EventEmitter {
  constructor(options = {}) {
    super();
    this.webContents = new WebContents();
    this.id = this.webContents.id;
    this.destroyed = false;
    this.webContents.windowName = options.title ?? `window ${this.id}`;
    this.webPreferences = { ...(options.webPreferences ?? {}) };
    allWindows.push(this);
    app.emit("browser-window-created", { preventDefault() {} }, this);
  }
  static getAllWindows() {
    return allWindows.filter((window) => !window.destroyed);
  }
  static fromWebContents(contents) {
    return allWindows.find((window) => window.webContents === contents) ?? null;
  }
  loadFile(file) {
    return this.webContents.loadURL(pathToFileURL(resolve(file)).href);
  }
  loadURL(url) {
    return this.webContents.loadURL(url);
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.webContents.emit("destroyed");
    this.emit("closed");
  }
  close() {
    this.destroy();
  }
}

const handlers = new Map();
const ipcMain = Object.assign(new EventEmitter(), {
  handle(channel, handler) {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, handler);
  },
  removeHandler(channel) {
    handlers.delete(channel);
  },
  /** Stand-in only: what `ipcRenderer.invoke(channel, ...args)` in a renderer would get. */
  async simulateInvoke(channel, ...args) {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ sender: allContents[0] }, ...args);
  },
});

const webContents = {
  getAllWebContents: () => allContents.filter((contents) => !contents.destroyed),
  fromId: (id) => allContents.find((contents) => contents.id === id),
};

module.exports = { app, BrowserWindow, ipcMain, webContents };
