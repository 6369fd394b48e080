// The line a slow cold start shows on a terminal while it compiles: `chaud: compiling 412/1000
// files…`, rewritten in place and erased once the program has loaded (the start line then says
// what compiling cost). Nothing is shown when stderr is not a terminal (logs get the start line
// only), when the logger hides info lines, or when compiling takes under a second.

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface CompileProgressOptions {
  stream: ProgressStream;
  /**
   * Streams the program writes to (its stdout and stderr): while the line is shown, a write
   * to one erases it first, so the program's output never lands behind it.
   */
  watch?: ProgressStream[];
  /** Whether info lines are shown (the logger's level). */
  visible: boolean;
  /** How long compiling runs before the line appears; default 1000 ms. */
  thresholdMs?: number;
  now?: () => number;
}

/** Redraws at most this often: the program's own loading goes on between redraws. */
const REDRAW_MS = 100;
const ERASE = "\r\x1b[2K";

export class CompileProgress {
  private started: number | null = null;
  private drawnAt = -Infinity;
  private shown = false;
  private finished = false;
  private readonly enabled: boolean;
  private readonly thresholdMs: number;
  private readonly now: () => number;
  private readonly write: (text: string) => unknown;
  private readonly restores: Array<() => void> = [];

  constructor(private readonly options: CompileProgressOptions) {
    this.enabled = options.visible && options.stream.isTTY === true;
    this.write = options.stream.write.bind(options.stream);
    this.thresholdMs = options.thresholdMs ?? 1000;
    this.now = options.now ?? (() => performance.now());
  }

  /** `done` files compiled, of `known` found so far (imports not followed yet are not counted). */
  update(done: number, known: number): void {
    if (!this.enabled || this.finished) return;
    const now = this.now();
    this.started ??= now;
    if (now - this.started < this.thresholdMs || now - this.drawnAt < REDRAW_MS) return;
    this.drawnAt = now;
    if (!this.shown && this.restores.length === 0) this.watchWrites();
    this.shown = true;
    const count = known > done ? `${done}/${known}` : `${done}`;
    this.write(`${ERASE}chaud: compiling ${count} files…`);
  }

  /** Erases the line (the program has loaded); later updates show nothing. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.hide();
    for (const restore of this.restores.splice(0)) restore();
  }

  private hide(): void {
    if (!this.shown) return;
    this.shown = false;
    this.write(ERASE);
  }

  private watchWrites(): void {
    for (const stream of new Set([this.options.stream, ...(this.options.watch ?? [])])) {
      const original = stream.write;
      const hide = (): void => this.hide();
      const patched = function (this: unknown, ...args: unknown[]): unknown {
        hide();
        return (original as (...args: unknown[]) => unknown).apply(this, args);
      };
      stream.write = patched;
      this.restores.push(() => {
        if (stream.write === patched) stream.write = original;
      });
    }
  }
}
