// A non-root login for the password and privilege tests: user `zmgrtest`, a random password, passwordless `sudo -n`.
//
// Needs root (it edits /etc/passwd, /etc/shadow and /etc/sudoers.d). Idempotent and safe to call from parallel test
// files: the password is generated once (kept in a root-only file under the temp dir) and set with chpasswd.

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The test login. */
export interface TestUser {
  /** Login name: `zmgrtest`. */
  readonly name: string;
  /** Its password. */
  readonly password: string;
  /** True when `sudo` is installed (then the user may run anything with `sudo -n`). */
  readonly sudo: boolean;
}

/** The name of the test login. */
export const TEST_USER = "zmgrtest";

/** Creates (or updates) the test user; throws with the reason when not root or a tool is missing. */
export function ensureTestUser(): TestUser {
  if (process.getuid?.() !== 0) throw new Error(`creating the test user ${TEST_USER} needs root; run the tests as root (CI does)`);
  const password = sharedPassword();
  if (run("id", ["-u", TEST_USER]).status !== 0) {
    const r = run("useradd", ["-m", "-s", "/bin/sh", TEST_USER]);
    if (r.status !== 0 && !/already exists/.test(r.stderr)) throw new Error(`useradd ${TEST_USER} failed: ${r.stderr}`);
  }
  for (let attempt = 0; ; attempt++) {
    const r = run("chpasswd", [], `${TEST_USER}:${password}\n`);
    if (r.status === 0) break;
    if (attempt >= 20) throw new Error(`chpasswd for ${TEST_USER} failed: ${r.stderr}`);
    spawnSync("sleep", ["0.1"]); // another test file holds the /etc/shadow lock
  }
  const sudo = run("sh", ["-c", "command -v sudo"]).status === 0;
  if (sudo) writeSudoers();
  return { name: TEST_USER, password, sudo };
}

/** One password for every test file of this machine, created atomically on first use. */
function sharedPassword(): string {
  const dir = join(tmpdir(), "zmgr-test-user");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, "password");
  if (!existsSync(file)) {
    const temp = join(dir, `password.${process.pid}`);
    writeFileSync(temp, randomBytes(18).toString("base64url"), { mode: 0o600 });
    try {
      linkSync(temp, file); // fails when another process won the race; then its password stands
    } catch {
      // keep theirs
    }
    rmSync(temp, { force: true });
  }
  return readFileSync(file, "utf8");
}

/** Passwordless sudo that keeps the session's PATH (the simulator first) and ILLUMOS_SIM_ROOT. */
function writeSudoers(): void {
  const text = [
    `# pulumi-zmgr tests (test/harness/ssh-user.ts): the ${TEST_USER} login may run anything as root, keeping the simulator's environment.`,
    `Defaults:${TEST_USER} !secure_path, env_keep += "PATH ILLUMOS_SIM_ROOT"`,
    `${TEST_USER} ALL=(ALL:ALL) NOPASSWD: ALL`,
    "",
  ].join("\n");
  const file = `/etc/sudoers.d/${TEST_USER}`;
  if (existsSync(file) && readFileSync(file, "utf8") === text) return;
  mkdirSync("/etc/sudoers.d", { recursive: true, mode: 0o755 });
  const temp = `${file}.${process.pid}.tmp`; // sudo skips names containing a dot
  writeFileSync(temp, text, { mode: 0o440 });
  const check = run("visudo", ["-cf", temp]);
  if (check.status !== 0) {
    rmSync(temp, { force: true });
    throw new Error(`the sudoers rule for ${TEST_USER} is invalid: ${check.stdout}${check.stderr}`);
  }
  renameSync(temp, file);
}

function run(command: string, args: string[], input?: string) {
  const r = spawnSync(command, args, { encoding: "utf8", input });
  return { status: r.error ? -1 : r.status, stdout: r.stdout ?? "", stderr: r.error ? r.error.message : (r.stderr ?? "") };
}
