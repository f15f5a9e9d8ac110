// Jest global teardown: removes the run's scratch directory (the packed tarball and its lock).

import * as fs from "node:fs";

export default function globalTeardown(): void {
  const dir = process.env.ZMGR_TEST_RUN_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
