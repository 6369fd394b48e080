// A program that mixes CommonJS and ESM: one module graph over both module systems. Each file
// is re-evaluated by the system that loaded it; edges come from both (the ESM hooks see ES
// modules importing CommonJS files too). When a CommonJS file that ES modules import runs
// again, its ESM importers must get a new wrapper for it, so its URL moves to a new version.

import type { EsmModules, EsmTransaction } from "./esm";
import type { ModuleSystem, ModuleTransaction } from "./module-system";

const union = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])];

export function combineModuleSystems(commonjs: ModuleSystem, esm: EsmModules): ModuleSystem {
  return {
    loadedFiles: () => union(commonjs.loadedFiles(), esm.loadedFiles()),
    isLoaded: (file) => esm.isLoaded(file) || commonjs.isLoaded(file),
    dependenciesOf: (file) => union(commonjs.dependenciesOf(file), esm.dependenciesOf(file)),
    importersOf: (file) => union(commonjs.importersOf(file), esm.importersOf(file)),
    watchLoads(onLoad) {
      const undoCommonJs = commonjs.watchLoads(onLoad);
      const undoEsm = esm.watchLoads(onLoad);
      return () => {
        undoCommonJs();
        undoEsm();
      };
    },
    begin: () => combinedTransaction(commonjs.begin(), esm.begin(), esm),
    retained: () => esm.retained(),
  };
}

function combinedTransaction(
  commonjs: ModuleTransaction,
  esmTransaction: EsmTransaction,
  esm: EsmModules,
): ModuleTransaction {
  return {
    async reevaluate(file) {
      if (esm.isLoaded(file)) return esmTransaction.reevaluate(file);
      const result = await commonjs.reevaluate(file);
      if (esm.isImportedByEsm(file)) await esmTransaction.noteCommonJsReevaluated(file);
      return result;
    },
    reevaluateHotOnly: (file, purpose) =>
      esm.isLoaded(file) ? esmTransaction.reevaluateHotOnly(file, purpose) : commonjs.reevaluateHotOnly(file, purpose),
    async commit() {
      await commonjs.commit();
      await esmTransaction.commit();
    },
    async rollback() {
      await commonjs.rollback();
      await esmTransaction.rollback();
    },
  };
}
