// An end-to-end project: a test program installed with the packed package, a simulated host behind a real sshd, a hermetic stack.

import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packedTarball } from "../harness/package";
import { installedWorkspace, PulumiStack } from "../harness/pulumi";
import { createSimHost, type SimHost } from "../harness/sim";
import { startSshd, type Sshd } from "../harness/sshd";

/** A ready project: program, host and stack. */
export interface E2eProject {
  /** The workspace (node_modules with the packed package, and the program). */
  readonly dir: string;
  /** The simulated host. */
  readonly sim: SimHost;
  /** The sshd in front of it. */
  readonly sshd: Sshd;
  /** The stack. */
  readonly stack: PulumiStack;
  /** Registry root on the simulated host. */
  readonly registry: string;
  /** Removes everything. */
  close(): Promise<void>;
}

/** Options of {@link e2eProject}. */
export interface E2eOptions {
  /** Put the host (zmgr:host, key, host key, registry root) in stack config. Default true. */
  readonly hostConfig?: boolean;
}

/** Sets up program `name` (test/e2e/programs/NAME) with the host in stack config (the key as a secret). */
export async function e2eProject(name: string, config: Record<string, string> = {}, options: E2eOptions = {}): Promise<E2eProject> {
  const tarball = await packedTarball();
  const dir = mkdtempSync(join(tmpdir(), `zmgr-e2e-${name}-`));
  installedWorkspace(dir, tarball);
  cpSync(join(__dirname, "programs", name), dir, { recursive: true });
  const sim = await createSimHost({ installDelayMs: 5 });
  let sshd: Sshd | undefined;
  let stack: PulumiStack | undefined;
  const close = async () => {
    await sshd?.stop();
    sim.remove();
    stack?.dispose();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    sshd = await startSshd({ simRoot: sim.root });
    const registry = join(sim.root, "etc", "zmgr");
    stack = new PulumiStack({ projectDir: dir, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
    await initStack(stack, { sim, sshd, registry }, config, options);
    return { dir, sim, sshd, stack, registry, close };
  } catch (err) {
    await close(); // a failed setup must not leave sshd running (jest would never exit)
    throw err;
  }
}

/**
 * Creates `stack` and sets its config: the host of `on` (zmgr:host, port, user, key as a secret, host key, registry root;
 * unless `hostConfig` is false), `zonesDir`, then `config`.
 */
export async function initStack(stack: PulumiStack, on: Pick<E2eProject, "sim" | "sshd" | "registry">, config: Record<string, string>, options: E2eOptions = {}): Promise<void> {
  await stack.init();
  if (options.hostConfig !== false) {
    await stack.setConfig("zmgr:host", on.sshd.host);
    await stack.setConfig("zmgr:port", String(on.sshd.port));
    await stack.setConfig("zmgr:user", on.sshd.user);
    await stack.setConfig("zmgr:privateKey", on.sshd.clientKey, true);
    await stack.setConfig("zmgr:hostKey", on.sshd.hostPublicKey);
    await stack.setConfig("zmgr:registryRoot", on.registry);
  }
  await stack.setConfig("zonesDir", on.sim.zonesDir);
  for (const [k, v] of Object.entries(config)) await stack.setConfig(k, v);
}
