// Helpers for the reliability end-to-end tests: more stacks of one project on one simulated host, a lock left by a dead process.

import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { initStack, type E2eProject } from "../e2e/project";
import { PulumiStack } from "../harness/pulumi";

/** Another stack of `p`'s project, in the same backend, with the same host in its stack config, plus `config`. */
export async function anotherStack(p: E2eProject, name: string, config: Record<string, string>): Promise<PulumiStack> {
  const stack = new PulumiStack({ projectDir: p.dir, stack: name, stateDir: p.stack.stateDir, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
  await initStack(stack, p, config);
  return stack;
}

/** The pid of a process that has exited (so nobody holds it). */
function deadPid(): number {
  return Number(spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim());
}

/** The host clock's lock stamp (UTC `YYYYMMDDhhmmss`) of `msAgo` milliseconds ago. */
function lockStamp(msAgo: number): string {
  return new Date(Date.now() - msAgo).toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** Leaves the registry lock as a process that died holding it would: owner file with its pid, taken `msAgo` ago. */
export function leaveDeadLock(registry: string, msAgo: number): { pid: number } {
  const pid = deadPid();
  mkdirSync(join(registry, ".lock"), { recursive: true });
  writeFileSync(join(registry, ".lock", "owner"), `token dead${pid}\nlabel zmgr (killed)\nhost ${hostname()}\npid ${pid}\ntime ${lockStamp(msAgo)}\n`);
  return { pid };
}
