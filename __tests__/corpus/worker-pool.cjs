"use strict";
// A fixed-size pool of workers fed from a queue; workers are injected so tests can fake them.
const { EventEmitter } = require("node:events");

class WorkerPool extends EventEmitter {
  #idle = [];
  #queue = [];
  #busy = new Map();
  #closed = false;

  constructor(size, createWorker) {
    super();
    for (let i = 0; i < size; i++) this.#idle.push(createWorker(i));
  }

  get pending() {
    return this.#queue.length;
  }

  get busy() {
    return this.#busy.size;
  }

  run(payload) {
    if (this.#closed) return Promise.reject(new Error("pool is closed"));
    return new Promise((resolve, reject) => {
      this.#queue.push({ payload, resolve, reject });
      this.#next();
    });
  }

  #next() {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const worker = this.#idle.pop();
      const job = this.#queue.shift();
      this.#busy.set(worker, job);
      Promise.resolve()
        .then(() => worker.handle(job.payload))
        .then(job.resolve, job.reject)
        .finally(() => {
          this.#busy.delete(worker);
          this.#idle.push(worker);
          this.emit("idle", this.#idle.length);
          this.#next();
        });
    }
  }

  async close() {
    this.#closed = true;
    for (const { reject } of this.#queue.splice(0)) reject(new Error("pool closed before the job ran"));
    while (this.#busy.size > 0) await new Promise((resolve) => this.once("idle", resolve));
    await Promise.all(this.#idle.map((worker) => worker.terminate?.()));
  }
}

module.exports = { WorkerPool };
