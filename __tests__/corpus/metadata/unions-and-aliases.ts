// Unions, intersections, local type aliases and enums: what tsc resolves from the checker.
const Dec = (): any => () => undefined;

type Id = string;
type Maybe<T> = T | null;
enum Color {
  Red,
  Green,
}
enum Mode {
  On = "on",
  Off = "off",
}
export class Tag {}

export class Unions {
  @Dec() nullable!: string | null;
  @Dec() optional?: number;
  @Dec() mixed!: string | number;
  @Dec() both!: Tag & { extra: true };
  @Dec() id!: Id;
  @Dec() maybe!: Maybe<number>;
  @Dec() color!: Color;
  @Dec() mode!: Mode;
  @Dec() literalUnion!: "a" | "b";
  @Dec() keys!: keyof Tag;

  @Dec() find(id: Id, color: Color, mode?: Mode): Tag | undefined {
    void [id, color, mode];
    return undefined;
  }
}
