// Money as integer minor units, with allocation that never loses a cent.

export type Currency = "EUR" | "USD" | "JPY";

const MINOR_DIGITS: Readonly<Record<Currency, number>> = { EUR: 2, USD: 2, JPY: 0 };

export class Money {
  readonly #minor: bigint;

  private constructor(minor: bigint, readonly currency: Currency) {
    this.#minor = minor;
  }

  static of(amount: string | number, currency: Currency): Money {
    const digits = MINOR_DIGITS[currency];
    const [whole = "0", fraction = ""] = String(amount).split(".");
    if (fraction.length > digits) throw new RangeError(`${currency} has ${digits} decimal digits: ${amount}`);
    const sign = whole.startsWith("-") ? -1n : 1n;
    const minor = BigInt(whole.replace("-", "")) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, "0") || "0");
    return new Money(sign * minor, currency);
  }

  get minor(): bigint {
    return this.#minor;
  }

  add(other: Money): Money {
    this.#assertSame(other);
    return new Money(this.#minor + other.#minor, this.currency);
  }

  allocate(ratios: readonly number[]): Money[] {
    const total = ratios.reduce((a, b) => a + b, 0);
    if (total <= 0) throw new RangeError("ratios must add up to more than zero");
    const shares = ratios.map((r) => (this.#minor * BigInt(Math.round(r * 1000))) / BigInt(Math.round(total * 1000)));
    let remainder = this.#minor - shares.reduce((a, b) => a + b, 0n);
    for (let i = 0; remainder > 0n; i = (i + 1) % shares.length, remainder--) shares[i]! += 1n;
    return shares.map((share) => new Money(share, this.currency));
  }

  equals(other: Money): boolean {
    return other.currency === this.currency && other.#minor === this.#minor;
  }

  toString(): string {
    const digits = MINOR_DIGITS[this.currency];
    const abs = this.#minor < 0n ? -this.#minor : this.#minor;
    const text = abs.toString().padStart(digits + 1, "0");
    const units = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
    return `${this.#minor < 0n ? "-" : ""}${units} ${this.currency}`;
  }

  #assertSame(other: Money): void {
    if (other.currency !== this.currency) throw new TypeError(`cannot mix ${this.currency} and ${other.currency}`);
  }
}
