// Small helpers shared by the ESM scripts: timing, chunking, retrying and formatting.
import { setTimeout as sleep } from "node:timers/promises";

export const identity = (value) => value;

export function chunk(items, size) {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function groupBy(items, keyOf) {
  return items.reduce((groups, item) => {
    const key = keyOf(item);
    (groups[key] ||= []).push(item);
    return groups;
  }, Object.create(null));
}

export async function retry(task, { attempts = 3, delayMs = 50, factor = 2 } = {}) {
  let lastError;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      lastError = error;
      if (attempt < attempts) await sleep(delayMs * factor ** (attempt - 1));
    }
  }
  throw new AggregateError([lastError], `gave up after ${attempts} attempts`);
}

export function formatBytes(bytes, digits = 1) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : digits)} ${units[unit]}`;
}

export function debounce(fn, waitMs) {
  let timer;
  const debounced = function (...args) {
    clearTimeout(timer);
    timer = setTimeout(() => fn.apply(this, args), waitMs);
  };
  debounced.cancel = () => clearTimeout(timer);
  return debounced;
}

export const pick = (object, ...keys) => Object.fromEntries(keys.filter((key) => key in object).map((key) => [key, object[key]]));
