// Guards real-filesystem side effects: the simulator only creates or removes directories
// under the simulated host's root or the system temp directory.

import { realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, resolve, sep } from "node:path";

function real(p: string): string {
  let cur = resolve(p);
  const tail: string[] = [];
  for (;;) {
    try {
      return [realpathSync(cur), ...tail].join(sep);
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return resolve(p);
      tail.unshift(cur.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      cur = parent;
    }
  }
}

/** True when `path` lies strictly inside the host root or the temp directory. */
export function safePath(root: string, path: string): boolean {
  const p = real(path);
  return [real(root), real(tmpdir())].some((base) => p.startsWith(base + sep));
}
