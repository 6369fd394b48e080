// Abstract classes, interfaces, parameter properties, accessors and type guards.

export interface HasArea {
  area(): number;
}

export abstract class Shape implements HasArea {
  private static count = 0;
  protected constructor(public readonly name: string, protected readonly precision = 2) {
    Shape.count++;
  }
  abstract area(): number;
  abstract get perimeter(): number;

  describe(): string {
    return `${this.name}: area ${this.area().toFixed(this.precision)}, perimeter ${this.perimeter.toFixed(this.precision)}`;
  }

  static get created(): number {
    return Shape.count;
  }
}

export class Circle extends Shape {
  constructor(private readonly radius: number) {
    super("circle");
  }
  override area(): number {
    return Math.PI * this.radius ** 2;
  }
  get perimeter(): number {
    return 2 * Math.PI * this.radius;
  }
}

export class Rectangle extends Shape {
  declare readonly kind: "rectangle";
  constructor(readonly width: number, readonly height: number) {
    super("rectangle", 1);
  }
  override area(): number {
    return this.width * this.height;
  }
  get perimeter(): number {
    return 2 * (this.width + this.height);
  }
  isSquare(): this is Rectangle & { width: number; height: number } {
    return this.width === this.height;
  }
}

export const isShape = (value: unknown): value is Shape => value instanceof Shape;

export function largest<T extends HasArea>(items: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const item of items) if (!best || item.area() > best.area()) best = item;
  return best;
}

export type ShapeKind = ReturnType<typeof makeShape>["name"];

export function makeShape(spec: { kind: "circle"; r: number } | { kind: "rect"; w: number; h: number }) {
  return spec.kind === "circle" ? new Circle(spec.r) : new Rectangle(spec.w, spec.h);
}
