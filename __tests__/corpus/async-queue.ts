// A concurrency-limited task queue with an async iterator over results.

type Task<T> = () => Promise<T>;

interface Pending<T> {
  task: Task<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

/* @chaud.persist */
let completed = 0;

export class AsyncQueue<T = unknown> {
  private readonly pending: Pending<T>[] = [];
  private running = 0;

  constructor(public readonly concurrency = 2) {}

  push(task: Task<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ task, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.running < this.concurrency && this.pending.length > 0) {
      const next = this.pending.shift()!;
      this.running++;
      runTask(next.task)
        .then(next.resolve, next.reject)
        .finally(() => {
          this.running--;
          this.drain();
        });
    }
  }
}

/* @chaud.hot */
export async function runTask<T>(task: Task<T>): Promise<T> {
  const started = performance.now();
  try {
    return await task();
  } finally {
    completed++;
    const elapsed = performance.now() - started;
    if (elapsed > 1000) console.warn(`slow task: ${elapsed.toFixed(0)} ms`);
  }
}

/* @chaud.hot */
export async function* mapConcurrent<I, O>(inputs: Iterable<I>, fn: (input: I) => Promise<O>, concurrency = 4): AsyncGenerator<O> {
  const queue = new AsyncQueue<O>(concurrency);
  const promises = Array.from(inputs, (input) => queue.push(() => fn(input)));
  for (const promise of promises) yield await promise;
}

export const completedCount = (): number => completed;

export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}
