// Drives hot classes through the registry by hand, as compiled code and the reloader do.

import { getRegistry } from "../../runtime/registry/registry";

export const CLASS_MODULE = "app/svc.js";

type AnyClass = abstract new (...args: any) => any;

/** The first version of a hot class, as compiled code registers it. */
export function registerClass<C extends AnyClass>(name: string, cls: C): C {
  return getRegistry().module(CLASS_MODULE).cls(name, cls, "h1", "shape");
}

/** A reload that re-evaluates the module with new versions of its hot classes. */
export function reloadClasses(classes: Record<string, AnyClass>, hash = "h2"): void {
  const registry = getRegistry();
  const batch = registry.beginBatch();
  const handle = registry.module(CLASS_MODULE);
  for (const [name, cls] of Object.entries(classes)) handle.cls(name, cls, hash, "shape");
  batch.commit();
}
