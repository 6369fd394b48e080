// Constructor, method and property types that are keywords or literals.
const Dec = (): any => () => undefined;

@Dec()
export class Primitives {
  @Dec() text!: string;
  @Dec() count!: number;
  @Dec() flag!: boolean;
  @Dec() big!: bigint;
  @Dec() sym!: symbol;
  @Dec() anything: any;
  @Dec() unknownValue: unknown;
  @Dec() obj!: object;
  @Dec() literal!: "a";
  @Dec() literalNumber!: 42;
  @Dec() untyped = 1;

  constructor(a: string, b: number, c: boolean, d: bigint, e?: symbol) {
    void [a, b, c, d, e];
  }

  @Dec() method(a: string, b: number): boolean {
    return Boolean(a) && Boolean(b);
  }

  @Dec() nothing(): void {}

  @Dec() unannotated(value: any) {
    return value;
  }

  @Dec() async later(): Promise<number> {
    return 1;
  }
}
