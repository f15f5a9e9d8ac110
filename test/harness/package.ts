// Builds and packs this package once per jest run, shared by every worker (a mkdir lock in the run dir).

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");

/** The `npm pack` tarball of the current tree, built at most once per jest run. */
export async function packedTarball(): Promise<string> {
  const runDir = process.env.ZMGR_TEST_RUN_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "zmgr-run-"));
  process.env.ZMGR_TEST_RUN_DIR = runDir;
  const done = path.join(runDir, "tarball");
  const lock = path.join(runDir, "pack.lock");
  for (;;) {
    if (fs.existsSync(done)) return fs.readFileSync(done, "utf8");
    try {
      fs.mkdirSync(lock);
    } catch {
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    try {
      const dest = fs.mkdtempSync(path.join(runDir, "pack-"));
      execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
      execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dest], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
      const file = fs.readdirSync(dest).find((f) => f.endsWith(".tgz"));
      if (!file) throw new Error(`npm pack wrote no tarball into ${dest}`);
      fs.writeFileSync(done, path.join(dest, file));
    } finally {
      fs.rmdirSync(lock);
    }
  }
}
