import { editFile } from "chaud/jest";
import { greet, visitCount } from "../src/greeter";

test("greet() runs the edited code, and the visit count carries on", async () => {
  expect(greet("Ada")).toBe("Hello, Ada! (visit #1)");

  await editFile("../src/greeter.ts", (source) => source.replace("Hello", "Bonjour"));

  expect(greet("Ada")).toBe("Bonjour, Ada! (visit #2)");
});

test("each test starts from the original code; persisted state lasts for the test file", () => {
  expect(greet("Grace")).toBe("Hello, Grace! (visit #3)");
});

test("editing a constant greeter.ts imports re-evaluates greeter.ts, keeping its state", async () => {
  const outcome = await editFile("../src/punctuation.ts", (source) => source.replace('"!"', '"?"'));

  expect(outcome.kind === "reloaded" && outcome.reevaluated.map((item) => item.reason.kind)).toEqual([
    "changed",
    "importer",
  ]);
  expect(greet("Linus")).toBe("Hello, Linus? (visit #4)");
  expect(visitCount()).toBe(4);
});
