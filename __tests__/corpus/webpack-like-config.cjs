// A bundler configuration file in the shape webpack and rspack read.
const path = require("node:path");
const os = require("node:os");

const isProduction = process.env.NODE_ENV === "production";
const root = __dirname;

/** @param {string} name */
const entry = (name) => path.join(root, "src", "entries", `${name}.ts`);

const entries = Object.fromEntries(["main", "admin", "worker"].map((name) => [name, entry(name)]));

const rules = [
  {
    test: /\.[cm]?tsx?$/,
    exclude: /node_modules/,
    use: { loader: "babel-loader", options: { cacheDirectory: true, envName: isProduction ? "production" : "development" } },
  },
  { test: /\.css$/i, use: ["style-loader", { loader: "css-loader", options: { modules: { auto: true } } }] },
  { test: /\.(png|jpe?g|gif|svg|woff2?)$/i, type: "asset", parser: { dataUrlCondition: { maxSize: 8 * 1024 } } },
];

module.exports = (env = {}, argv = {}) => ({
  mode: isProduction ? "production" : "development",
  context: root,
  entry: entries,
  target: env.node ? "node20" : ["web", "es2022"],
  devtool: isProduction ? "source-map" : "eval-cheap-module-source-map",
  output: {
    path: path.resolve(root, "dist", env.node ? "server" : "client"),
    filename: isProduction ? "[name].[contenthash:8].js" : "[name].js",
    clean: true,
  },
  resolve: {
    extensions: [".ts", ".tsx", ".mjs", ".js"],
    alias: { "@": path.join(root, "src") },
  },
  module: { rules },
  cache: { type: "filesystem", buildDependencies: { config: [__filename] } },
  parallelism: Math.max(1, os.cpus().length - 1),
  performance: { hints: isProduction ? "warning" : false },
  devServer: argv.mode === "production" ? undefined : { port: Number(env.port ?? 8080), hot: true, historyApiFallback: true },
  stats: { preset: "minimal", ...(env.verbose && { preset: "detailed" }) },
});
