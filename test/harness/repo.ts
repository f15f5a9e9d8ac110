// Where the repository is, found from this file's location (also when the harness is compiled elsewhere, as the demo does).

import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "test", "sim", "bin"))) return dir;
    if (dirname(dir) === dir) return resolve(__dirname, "..", "..");
  }
}

/** The repository root. */
export const REPO_ROOT = findRoot(__dirname);

/** The simulator's executables. */
export const SIM_BIN = join(REPO_ROOT, "test", "sim", "bin");
