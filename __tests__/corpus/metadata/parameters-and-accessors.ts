// Parameter decorators (constructor and method), accessors and static members.
const Dec = (): any => () => undefined;
const Param = (): ParameterDecorator => () => undefined;

export class Service {}

export class Controller {
  constructor(
    @Param() readonly service: Service,
    @Param() name: string,
  ) {
    void name;
  }

  @Dec() get size(): number {
    return 1;
  }

  @Dec() set label(value: string) {
    void value;
  }

  @Dec() static create(@Param() service: Service): Controller {
    return new Controller(service, "x");
  }

  handle(@Param() body: Service, @Param() id: number): string {
    void [body, id];
    return "";
  }
}
