import { editFile } from "chaud/jest";
import { history, record, Thermostat } from "../src/thermostat";

test("an instance made before the edit runs the edited method; the readings stay", async () => {
  const thermostat = new Thermostat(20);
  expect(record(thermostat, 25)).toBe("idle");

  await editFile("../src/thermostat.ts", (source) => source.replace(`: "idle"`, `: "cool"`));

  expect(thermostat).toBeInstanceOf(Thermostat);
  expect(record(thermostat, 25)).toBe("cool");
  expect(history()).toEqual(["25°: idle", "25°: cool"]);
});

test("the next test runs the original code again", () => {
  expect(record(new Thermostat(20), 25)).toBe("idle");
  expect(history()).toHaveLength(3);
});
