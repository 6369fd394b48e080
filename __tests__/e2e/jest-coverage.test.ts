// Coverage with chaud: the code chaud adds to every module (the accessors of `_chaud.scope`,
// the thunks of compiled decorator statements) never runs in a test, so istanbul must not
// count it. A real Jest project run with `--coverage`, with the plugin off and on (mode "all"),
// reports the same functions, under babel-jest (chaud/jest) and ts-jest (chaudTsJest), with
// source maps and without.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { linkPackages, runJest } from "../helpers/jest-project";
import { createTempProject, type TempProject } from "../helpers/temp-project";

// Top-level state (scope accessors), hot functions, a hot class, a function passed in a call.
const SHOP = `
let orders = 0;
const prices: Record<string, number> = { tea: 3, cake: 5 };
export const tax = 0.2;

export function order(item: string): number {
  orders++;
  return price(item) * (1 + tax);
}

export function price(item: string): number {
  return prices[item] ?? 0;
}

export const count = (): number => orders;

export class Till {
  total = 0;
  ring(item: string): number {
    this.total += order(item);
    return this.total;
  }
  reset(): void {
    this.total = 0;
  }
}

export const listeners: Array<() => void> = [];
listeners.push(() => {
  orders = 0;
});
`;

// Decorated classes, as TypeScript compiles them (ts-jest only): statements after the class.
const MODEL = `
function track(label: string) {
  return (target: object, key?: string): void => {
    seen.push(label + (key ? "." + key : ""));
  };
}
export const seen: string[] = [];

@track("class")
export class Product {
  @track("prop")
  name = "";

  @track("method")
  label(): string {
    return "product " + this.name;
  }
}
`;

const TEST = `
import { order, count, Till } from "../src/shop";
MODEL_IMPORT

test("shop", () => {
  expect(order("tea")).toBeCloseTo(3.6);
  expect(count()).toBe(1);
  expect(new Till().ring("cake")).toBeCloseTo(6);
  MODEL_USE
});
`;

interface Summary {
  total: Record<"functions" | "statements" | "lines" | "branches", { total: number; covered: number }>;
}

let project: TempProject | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

type Setup = { name: string; tsJest: boolean; sourceMap: boolean };
const SETUPS: Setup[] = [
  { name: "babel-jest (chaud/jest)", tsJest: false, sourceMap: true },
  { name: "ts-jest, source maps on", tsJest: true, sourceMap: true },
  { name: "ts-jest, source maps off", tsJest: true, sourceMap: false },
];

test.each(SETUPS)(
  "$name: the same function totals with the plugin off and on",
  ({ tsJest, sourceMap }) => {
    project = createTempProject("coverage-app");
    const { dir, write } = project;
    if (tsJest) {
      linkPackages(dir, ["ts-jest", "typescript", "babel-jest", "@types/jest"]);
      write(
        "jest.config.js",
        `const { chaudTsJest } = require("chaud/jest");
module.exports = { testEnvironment: "node", transform: { "^.+\\\\.tsx?$": chaudTsJest({}, { rootDir: __dirname, mode: "all" }) } };
`,
      );
      write(
        "tsconfig.json",
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            module: "commonjs",
            strict: true,
            experimentalDecorators: true,
            useDefineForClassFields: false,
            sourceMap,
            types: ["jest"],
          },
        }),
      );
      write("src/model.ts", MODEL);
    } else {
      linkPackages(dir, ["babel-jest", "@babel/preset-typescript", "@babel/plugin-transform-modules-commonjs"]);
      write(
        "jest.config.js",
        `module.exports = { testEnvironment: "node", transform: { "\\\\.[cm]?[jt]sx?$": ["chaud/jest", { mode: "all" }] } };\n`,
      );
      write(
        "babel.config.js",
        `module.exports = { presets: ["@babel/preset-typescript"], plugins: ["@babel/plugin-transform-modules-commonjs"] };\n`,
      );
    }
    write("src/shop.ts", SHOP);
    write(
      "__tests__/shop.test.ts",
      TEST.replace(`MODEL_IMPORT`, tsJest ? `import { Product, seen } from "../src/model";` : "").replace(
        `MODEL_USE`,
        tsJest
          ? `expect(new Product().label()).toBe("product ");\n  expect(seen).toEqual(["prop.name", "method.label", "class"]);`
          : "",
      ),
    );

    const totals = (hot: boolean): Summary["total"] => {
      const coverageDir = join(dir, hot ? "coverage-on" : "coverage-off");
      const run = runJest(dir, {
        env: hot ? { CHAUD_HOT: "1" } : {},
        args: [
          "--coverage",
          "--coverageReporters=json-summary",
          `--coverageDirectory=${coverageDir}`,
          "--collectCoverageFrom=src/**",
        ],
      });
      expect(run.results.success ? "passed" : run.report).toBe("passed");
      return (JSON.parse(readFileSync(join(coverageDir, "coverage-summary.json"), "utf8")) as Summary).total;
    };
    const off = totals(false);
    const on = totals(true);
    expect(on.functions).toEqual(off.functions);
    expect(off.functions.total).toBeGreaterThan(0);
  },
  90000,
);
