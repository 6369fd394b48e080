// Under ts-jest, TypeScript compiles to CommonJS before chaud's plugin runs (an exported
// persisted `let` becomes `exports.x = …`, which chaud keeps as an accessor on the persisted
// value). Here the state stays private and hot functions give access to it.

/* @chaud.hot */
export class Thermostat {
  constructor(readonly target: number) {}

  mode(temperature: number): string {
    return temperature < this.target ? "heat" : "idle";
  }
}

/* @chaud.persist */
const readings: string[] = [];

/* @chaud.hot */
export function record(thermostat: Thermostat, temperature: number): string {
  const mode = thermostat.mode(temperature);
  readings.push(`${temperature}°: ${mode}`);
  return mode;
}

/* @chaud.hot */
export function history(): string[] {
  return [...readings];
}
