// Classes, built-ins, arrays, functions, interfaces and optional or defaulted parameters.
const Dec = (): any => () => undefined;

export class Engine {}
interface Options {
  fast: boolean;
}

@Dec()
export class Car {
  @Dec() engine!: Engine;
  @Dec() created!: Date;
  @Dec() parts!: Engine[];
  @Dec() list!: Array<string>;
  @Dec() pair!: [string, number];
  @Dec() callback!: () => void;
  @Dec() options!: Options;
  @Dec() map!: Map<string, Engine>;
  @Dec() pattern!: RegExp;

  constructor(
    readonly engine2: Engine,
    private readonly options2: Options,
    public wheels: number = 4,
    ...rest: string[]
  ) {
    void rest;
  }

  @Dec() drive(to: Engine, options?: Options, ...stops: Date[]): Engine {
    void [options, stops];
    return to;
  }

  @Dec() build(factory: new () => Engine): Promise<Engine> {
    return Promise.resolve(new factory());
  }
}
