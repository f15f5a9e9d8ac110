// Jest global setup: a run id and a scratch directory shared by the workers of one jest run.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export default function globalSetup(): void {
  process.env.ZMGR_TEST_RUN_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "zmgr-run-"));
}
