// Runs in the window before its page; an edit reloads the window.
const { contextBridge, ipcRenderer } = require("electron");

contextBridge.exposeInMainWorld("main", {
  click: (name) => ipcRenderer.invoke("click", name),
});
