// The Babel preset the chaud/jest transformer adds for a file that no Babel config applies to
// (no babel.config.*, .babelrc*, package.json#babel): TypeScript, and `import`/`export`
// compiled to CommonJS unless Jest runs the file as native ESM, which is what chaud/register
// does for Node. With a config of the user's, that config decides and this preset stays out.

interface PresetApi {
  caller<T>(read: (caller: Record<string, unknown> | undefined) => T): T;
}

export default function chaudJestPreset(api: PresetApi): { presets: unknown[]; plugins: unknown[] } {
  // Jest says whether it loads the file as ESM (`supportsStaticESM`); Babel caches per answer.
  const esm = api.caller((caller) => caller?.["supportsStaticESM"] === true);
  return {
    presets: [[require.resolve("@babel/preset-typescript"), { allowDeclareFields: true }]],
    plugins: esm ? [] : [require.resolve("@babel/plugin-transform-modules-commonjs")],
  };
}
