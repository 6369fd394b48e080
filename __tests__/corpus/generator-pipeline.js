// Lazy sequence helpers built on generators, ES modules, plain JavaScript.

/* @chaud.hot */
export function* range(start, end = Infinity, step = 1) {
  for (let n = start; step > 0 ? n < end : n > end; n += step) yield n;
}

/* @chaud.hot */
export function* take(iterable, count) {
  if (count <= 0) return;
  let taken = 0;
  for (const item of iterable) {
    yield item;
    if (++taken >= count) return;
  }
}

export function* map(iterable, fn) {
  let index = 0;
  for (const item of iterable) yield fn(item, index++);
}

export function* filter(iterable, predicate) {
  for (const item of iterable) if (predicate(item)) yield item;
}

/* @chaud.hot */
export const primes = function* () {
  const found = [];
  outer: for (const candidate of range(2)) {
    for (const prime of found) {
      if (prime * prime > candidate) break;
      if (candidate % prime === 0) continue outer;
    }
    found.push(candidate);
    yield candidate;
  }
};

export function* zip(...iterables) {
  const iterators = iterables.map((it) => it[Symbol.iterator]());
  while (true) {
    const results = iterators.map((it) => it.next());
    if (results.some((r) => r.done)) return;
    yield results.map((r) => r.value);
  }
}

export function pipe(source, ...stages) {
  return stages.reduce((acc, stage) => stage(acc), source);
}

export const sum = (iterable) => {
  let total = 0;
  for (const n of iterable) total += n;
  return total;
};
