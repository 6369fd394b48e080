// Token-bucket rate limiting per client key. The class is hot: a running server keeps its
// buckets (persisted) and picks up changes to the refill logic.

/* @chaud.hot */
export class TokenBucket {
  #tokens;
  #updatedAt;
  static #created = 0;

  constructor(capacity, refillPerSecond, now = Date.now) {
    this.capacity = capacity;
    this.refillPerSecond = refillPerSecond;
    this.now = now;
    this.#tokens = capacity;
    this.#updatedAt = now();
    TokenBucket.#created++;
  }

  static get created() {
    return TokenBucket.#created;
  }

  get tokens() {
    this.#refill();
    return this.#tokens;
  }

  set tokens(value) {
    this.#tokens = Math.max(0, Math.min(this.capacity, value));
  }

  #refill() {
    const current = this.now();
    const elapsed = (current - this.#updatedAt) / 1000;
    this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.refillPerSecond);
    this.#updatedAt = current;
  }

  take(cost = 1) {
    this.#refill();
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }

  retryAfterMs(cost = 1) {
    this.#refill();
    return this.#tokens >= cost ? 0 : Math.ceil(((cost - this.#tokens) / this.refillPerSecond) * 1000);
  }

  static isBucket(value) {
    return #tokens in value;
  }
}

/* @chaud.persist */
export const buckets = new Map();

export function limit(key, { capacity = 10, perSecond = 5 } = {}) {
  let bucket = buckets.get(key);
  if (!bucket) buckets.set(key, (bucket = new TokenBucket(capacity, perSecond)));
  return bucket.take() ? { allowed: true } : { allowed: false, retryAfterMs: bucket.retryAfterMs() };
}
