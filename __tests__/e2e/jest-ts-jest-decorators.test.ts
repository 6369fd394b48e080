// A live test under ts-jest (chaudTsJest, mode "all") edits a hot class that TypeScript's own
// decorators decorate: statements after the class (`__decorate([…], Post.prototype, "title")`)
// that Jest's module registry evaluates again on every reload. An edit of a method must not run
// them again on the running class (class-validator registered every rule twice, and reported
// each error twice); an added decorated property runs its own decorators, and only those.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { linkPackages, runJest } from "../helpers/jest-project";
import { createTempProject, type TempProject } from "../helpers/temp-project";

const POST = `import "reflect-metadata";
import { IsString, MinLength } from "class-validator";

// What the decorators registered, kept across the module's evaluations.
export const registered: string[] = ((globalThis as { registered?: string[] }).registered ??= []);

function Entity(name: string): ClassDecorator {
  return () => {
    registered.push("class " + name);
  };
}

function Field(name: string): PropertyDecorator {
  return () => {
    registered.push("field " + name);
  };
}

@Entity("post")
export class Post {
  @IsString()
  @MinLength(2)
  @Field("title")
  title: string;

  @IsString()
  @Field("author")
  author: string;

  describe(): string {
    return "v1 " + this.title;
  }
}
`;

const LIVE_TEST = `import { editFile } from "chaud/jest";
import { getMetadataStorage, validateSync } from "class-validator";
import { Post, registered } from "../src/post";

const rules = (): number => getMetadataStorage().getTargetValidationMetadatas(Post, "", true, false).length;
const errors = (title: string): string[] =>
  validateSync(Object.assign(new Post(), { title, author: "ann" })).flatMap((error) => Object.keys(error.constraints ?? {}));

test("editing a method runs no decorator again; an added property runs its own", async () => {
  const first = ["field title", "field author", "class post"];
  expect(registered).toEqual(first);
  expect(rules()).toBe(3);
  const post = Object.assign(new Post(), { title: "hello", author: "ann" });
  expect(post.describe()).toBe("v1 hello");

  const edited = await editFile("../src/post.ts", (source) => source.replace('"v1 "', '"v2 "'));
  expect(edited.kind).toBe("reloaded");
  expect(post.describe()).toBe("v2 hello");
  expect(registered).toEqual(first);
  expect(rules()).toBe(3);
  expect(errors("x")).toEqual(["minLength"]);
  expect(Reflect.getMetadata("design:type", Post.prototype, "title")).toBe(String);
  expect(edited.kind === "reloaded" && edited.notices).toEqual([]);

  const added = await editFile("../src/post.ts", (source) =>
    source.replace("  describe()", '  @IsString()\\n  @Field("body")\\n  body: string;\\n\\n  describe()'),
  );
  expect(added.kind).toBe("reloaded");
  expect(registered).toEqual([...first, "field body"]);
  expect(rules()).toBe(4);
  expect(validateSync(Object.assign(new Post(), { title: "hi", author: "ann", body: 1 })).map((error) => error.property)).toEqual(["body"]);
  expect(added.kind === "reloaded" && added.notices.map((notice) => notice.kind)).toEqual(["class-decorators-changed"]);
  expect(post.describe()).toBe("v2 hello");
});
`;

let project: TempProject | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

test("ts-jest: a hot class with property and class decorators keeps what they registered across edits", () => {
  project = createTempProject("ts-jest-decorators");
  const { dir, write } = project;
  linkPackages(dir, ["ts-jest", "typescript", "babel-jest", "@types/jest", "class-validator", "reflect-metadata"]);
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
        module: "node16",
        moduleResolution: "node16",
        strict: true,
        strictPropertyInitialization: false,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        useDefineForClassFields: false,
        esModuleInterop: true,
        types: ["jest"],
      },
    }),
  );
  write("src/post.ts", POST);
  write("__tests__/live.test.ts", LIVE_TEST);

  const run = runJest(dir, { env: { CHAUD_HOT: "1" } });
  expect(run.results.success ? run.tests : run.report).toEqual({
    "editing a method runs no decorator again; an added property runs its own": "passed",
  });
  expect(run.results.openHandles).toEqual([]);
  expect(readFileSync(join(dir, "src/post.ts"), "utf8")).toBe(POST);
}, 90000);
