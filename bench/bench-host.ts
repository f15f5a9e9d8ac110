// The benchmark's world: the package packed as users get it, program workspaces, and simulated hosts (install delay 0) behind a real sshd.

import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installedWorkspace } from "../test/harness/pulumi";
import { REPO_ROOT } from "../test/harness/repo";
import { createSimHost, type SimHost } from "../test/harness/sim";
import { startSshd, type Sshd } from "../test/harness/sshd";
import { onInterrupt } from "./cleanup";

/** A simulated host reached through sshd. */
export interface BenchHost {
  /** The simulator. */
  readonly sim: SimHost;
  /** The sshd in front of it (LogLevel VERBOSE: connections and sessions are counted from its log). */
  readonly sshd: Sshd;
  /** The zmgr registry root on the host. */
  readonly registry: string;
  /** Stops sshd and removes the host (idempotent). */
  close(): Promise<void>;
}

/** Starts a fresh simulated host with install delay 0 behind a new sshd. */
export async function startBenchHost(): Promise<BenchHost> {
  const sim = await createSimHost({ installDelayMs: 0 });
  let sshd: Sshd;
  try {
    sshd = await startSshd({ simRoot: sim.root });
  } catch (err) {
    sim.remove();
    throw err;
  }
  const close = async () => {
    forget();
    await sshd.stop();
    sim.remove();
  };
  const forget = onInterrupt(close);
  return { sim, sshd, registry: join(sim.root, "etc", "zmgr"), close };
}

/** Builds the package and packs it into `dir`; returns the tarball. */
export function packPackage(dir: string): string {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const file = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!file) throw new Error(`npm pack wrote no tarball into ${dir}`);
  return join(dir, file);
}

/** A new workspace holding benchmark program `name` (bench/programs/NAME) with the packed package installed. */
export function programWorkspace(name: "zmgr" | "command", tarball: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `zmgr-bench-${name}-`));
  const remove = () => {
    forget();
    rmSync(dir, { recursive: true, force: true });
  };
  const forget = onInterrupt(remove);
  installedWorkspace(dir, tarball);
  cpSync(join(REPO_ROOT, "bench", "programs", name), dir, { recursive: true });
  return { dir, remove };
}
