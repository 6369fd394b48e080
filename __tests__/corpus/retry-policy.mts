// Retry policies for outgoing calls. One method of the policy class is hot on its own.

export interface RetryOptions {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs?: number;
  readonly retryOn?: (error: unknown) => boolean;
}

export class RetryPolicy {
  static readonly none = new RetryPolicy({ retries: 0, baseDelayMs: 0 });
  #attempts = 0;

  constructor(readonly options: RetryOptions) {}

  get attempts(): number {
    return this.#attempts;
  }

  /* @chaud.hot: tune the backoff without restarting */
  delayFor(attempt: number): number {
    const exponential = this.options.baseDelayMs * 2 ** attempt;
    const jitter = exponential * 0.2 * Math.random();
    return Math.min(exponential + jitter, this.options.maxDelayMs ?? 30_000);
  }

  shouldRetry(error: unknown, attempt: number): boolean {
    if (attempt >= this.options.retries) return false;
    return this.options.retryOn?.(error) ?? true;
  }

  async run<T>(operation: (attempt: number) => Promise<T>, wait = defaultWait): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      this.#attempts++;
      try {
        return await operation(attempt);
      } catch (error) {
        if (!this.shouldRetry(error, attempt)) throw error;
        await wait(this.delayFor(attempt));
      }
    }
  }
}

const defaultWait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const isTransient = (error: unknown): boolean => {
  const code = (error as { code?: string } | null)?.code;
  return code === "ECONNRESET" || code === "ETIMEDOUT" || code === "EAI_AGAIN";
};

export const standard = new RetryPolicy({ retries: 3, baseDelayMs: 100, retryOn: isTransient });
