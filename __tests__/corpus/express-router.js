// Routes for a small notes API. Handlers are hot so a running dev server picks up edits.
const express = require("express");
const { randomUUID } = require("node:crypto");

/* @chaud.persist keep the notes across reloads */
const notes = new Map();

/* @chaud.persist */
let requestCount = 0;

/* @chaud.hot */
function listNotes(req, res) {
  requestCount++;
  const { tag, limit = "20" } = req.query ?? {};
  const max = Math.min(Number.parseInt(limit, 10) || 20, 100);
  const all = [...notes.values()].filter((note) => !tag || note.tags.includes(tag));
  res.json({ total: all.length, items: all.slice(0, max) });
}

/* @chaud.hot */
const createNote = (req, res) => {
  requestCount += 1;
  const { title, body = "", tags = [] } = req.body ?? {};
  if (typeof title !== "string" || title.trim() === "") {
    return res.status(400).json({ error: "title is required" });
  }
  const note = { id: randomUUID(), title: title.trim(), body, tags, createdAt: Date.now() };
  notes.set(note.id, note);
  res.status(201).json(note);
};

// @chaud.hot
async function deleteNote(req, res) {
  requestCount++;
  const existed = notes.delete(req.params.id);
  await new Promise((resolve) => setImmediate(resolve));
  res.status(existed ? 204 : 404).end();
}

function stats(_req, res) {
  res.json({ requests: requestCount, notes: notes.size });
}

function buildRouter() {
  const router = express.Router();
  router.get("/notes", listNotes);
  router.post("/notes", createNote);
  router.delete("/notes/:id", deleteNote);
  router.get("/stats", stats);
  return router;
}

module.exports = { buildRouter, listNotes, createNote, deleteNote };
