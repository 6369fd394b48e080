// Enums and namespaces as older TypeScript code bases use them.

export enum LogLevel {
  Error,
  Warn,
  Info = 10,
  Debug,
  Trace = Debug * 2,
}

export enum HttpMethod {
  Get = "GET",
  Post = "POST",
  Put = "PUT",
  Delete = "DELETE",
}

export const enum Flags {
  None = 0,
  Readable = 1 << 0,
  Writable = 1 << 1,
  ReadWrite = Readable | Writable,
}

export namespace Geometry {
  export interface Point {
    x: number;
    y: number;
  }
  export const origin: Point = { x: 0, y: 0 };
  export function distance(a: Point, b: Point = origin): number {
    return Math.hypot(a.x - b.x, a.y - b.y);
  }
  export namespace Polygon {
    export function perimeter(points: Point[]): number {
      let total = 0;
      for (let i = 0; i < points.length; i++) total += distance(points[i]!, points[(i + 1) % points.length]);
      return total;
    }
  }
}

export namespace Geometry {
  export function midpoint(a: Point, b: Point): Point {
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
}

declare global {
  interface Window {
    appVersion?: string;
  }
}

export function levelName(level: LogLevel): string {
  return LogLevel[level] ?? `Level(${level})`;
}

export function canWrite(flags: Flags): boolean {
  return (flags & Flags.Writable) !== 0;
}

export function isSafe(method: HttpMethod): boolean {
  switch (method) {
    case HttpMethod.Get:
      return true;
    case HttpMethod.Post:
    case HttpMethod.Put:
    case HttpMethod.Delete:
      return false;
  }
}
