// `import.meta` in a file Node runs as CommonJS (a `.ts` file in a package without `"type":
// "module"`, written for ES modules): a syntax error there, which Node answers by loading the
// file as an ES module, where `.ts` has no loader. tsx gives such a file the values it would
// have as an ES module; so does this plugin, from the CommonJS module's own variables:
// `import.meta.url`, `.filename`, `.dirname` and `.resolve(specifier)`, and `import.meta`
// itself as an object of those four.

import type * as Babel from "@babel/core";

const FIELDS = ["url", "filename", "dirname", "resolve"] as const;
type Field = (typeof FIELDS)[number];

export function importMetaInCommonJs({ types: t, template }: typeof Babel): Babel.PluginObj {
  const build: Record<Field, () => Babel.types.Expression> = {
    url: () => template.expression.ast`require("node:url").pathToFileURL(__filename).href`,
    filename: () => t.identifier("__filename"),
    dirname: () => t.identifier("__dirname"),
    resolve: () =>
      template.expression.ast`(specifier) => require("node:url").pathToFileURL(require.resolve(specifier)).href`,
  };
  return {
    name: "chaud-import-meta-commonjs",
    visitor: {
      MetaProperty(path) {
        if (path.node.meta.name !== "import" || path.node.property.name !== "meta") return;
        const parent = path.parentPath;
        const field =
          parent.isMemberExpression() && parent.node.object === path.node && !parent.node.computed
            ? (parent.node.property as Babel.types.Identifier).name
            : null;
        if (field !== null && (FIELDS as readonly string[]).includes(field)) {
          parent.replaceWith(build[field as Field]());
          return;
        }
        path.replaceWith(t.objectExpression(FIELDS.map((name) => t.objectProperty(t.identifier(name), build[name]()))));
      },
    },
  };
}
