// An entry module's reload (SPEC 5.4, plugin/hot-only.ts) of an unmarked class with one hot
// method: the method takes the new body, and in that body the class's name still means the
// running class, so `instanceof` and `new` agree with the instances that exist. Found by the
// plugin fuzzer on semver's classes/semver.js: the hot-only version declared a second class
// `SemVer`, so `other instanceof SemVer` in the new `compare` was false for every running
// instance and `compare` threw.

import { getRegistry } from "../../runtime/registry/registry";
import { compile, load, resetRegistry } from "../helpers/compile";

afterEach(resetRegistry);

const filename = "/virtual/app/src/main.ts";
const entry = (tag: string): string => `
  export class Version {
    constructor(public value: number) {}
    /* @chaud.hot */
    compare(other: unknown) {
      if (!(other instanceof Version)) other = new Version(Number(other));
      return "${tag} " + Math.sign(this.value - (other as Version).value) + " " + (other instanceof Version);
    }
    /* @chaud.hot */
    static of(value: number) { return "${tag} " + (new Version(value) instanceof Version); }
    describe() { return "unmarked"; }
  }
  export const first = new Version(2);
`;

test("a hot method's new body, evaluated hot-only, means the running class by the class's name", () => {
  resetRegistry();
  const running = load(entry("v1"), { filename });
  expect(running.first.compare(new running.Version(1))).toBe("v1 1 true");

  const batch = getRegistry().beginBatch();
  load(entry("v2"), { filename, hotOnly: true });
  batch.commit();

  expect(running.first.compare(new running.Version(1))).toBe("v2 1 true");
  expect(running.first.compare(3)).toBe("v2 -1 true");
  expect(running.Version.of(5)).toBe("v2 true");
  expect(running.first.describe()).toBe("unmarked");
  expect(running.first).toBeInstanceOf(running.Version);
});

test("the hot-only version reads the class from the running version and carries the new bodies on another class", () => {
  const out = compile(entry("x"), { filename, hotOnly: true });
  expect(out).toMatch(/let Version = _previous\.Version;/);
  expect(out).toMatch(/const _Version = class \{/);
  expect(out).toContain('_chaud.method("Version.compare", _Version.prototype, "compare"');
  expect(out).toContain('_chaud.method("Version.static.of", _Version, "of"');
});
