// Helpers for the reliability end-to-end tests: more stacks of one project on one simulated host, a lock left by a dead process.

import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { E2eProject } from "../e2e/project";
import { PulumiStack } from "../harness/pulumi";

/** Another stack of `p`'s project, in the same backend, with the same host in its stack config, plus `config`. */
export async function anotherStack(p: E2eProject, name: string, config: Record<string, string>): Promise<PulumiStack> {
  const stack = new PulumiStack({ projectDir: p.dir, stack: name, stateDir: p.stack.stateDir, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
  await stack.init();
  await stack.setConfig("zmgr:host", p.sshd.host);
  await stack.setConfig("zmgr:port", String(p.sshd.port));
  await stack.setConfig("zmgr:user", p.sshd.user);
  await stack.setConfig("zmgr:privateKey", p.sshd.clientKey, true);
  await stack.setConfig("zmgr:hostKey", p.sshd.hostPublicKey);
  await stack.setConfig("zmgr:registryRoot", p.registry);
  await stack.setConfig("zonesDir", p.sim.zonesDir);
  for (const [k, v] of Object.entries(config)) await stack.setConfig(k, v);
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
