// Seeds a simulated host's registry the way the zmgr CLI leaves it: pool `lan`, publisher `omnios`, template `ipkg`.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HostSpec } from "../../provider/operations/host-spec";
import { createSimHost, simEnv, type SimHost } from "../harness/sim";

/** The pool every reliability test allocates from: 10.0.0.0/24, range .10-.200, over zstub0. */
export const POOL = { name: "lan", network: "10.0.0.0/24", gateway: "10.0.0.1", rangeStart: "10.0.0.10", rangeEnd: "10.0.0.200", stub: "zstub0" };

/** Writes pools/lan.kdl, publishers/omnios.kdl and templates/ipkg.kdl (lipkg zones under `zonesDir`) under `registry`, and an empty zones/. */
export function seedRegistry(registry: string, zonesDir: string): void {
  mkdirSync(join(registry, "zones"), { recursive: true, mode: 0o755 });
  const put = (rel: string, text: string) => {
    mkdirSync(join(registry, rel, ".."), { recursive: true, mode: 0o755 });
    writeFileSync(join(registry, rel), text, { mode: 0o644 });
  };
  put(
    "pools/lan.kdl",
    `pool "lan" {\n    network "${POOL.network}"\n    gateway "${POOL.gateway}"\n    stub "${POOL.stub}"\n    range "${POOL.rangeStart}" "${POOL.rangeEnd}"\n}\n`,
  );
  put("publishers/omnios.kdl", `publisher "omnios" {\n    origin "https://pkg.omnios.org/r151054/core/"\n}\n`);
  put(
    "templates/ipkg.kdl",
    `template "ipkg" {\n    brand "lipkg"\n    autoboot #true\n    pool "lan"\n    ip-type "exclusive"\n    zonepath-prefix "${zonesDir}"\n    publisher "omnios"\n}\n`,
  );
}

/** A seeded simulated host reached locally: the setup of most reliability suites. */
export interface SeededHost {
  /** The simulated host (install delay 1 ms), also made this process's simulator by its environment. */
  readonly sim: SimHost;
  /** Its registry root, seeded by {@link seedRegistry}. */
  readonly registry: string;
  /** The `host` input that reaches it locally. */
  readonly host: HostSpec;
}

/** Creates a {@link SeededHost}; `commandTimeoutSeconds` goes into its `host`. */
export async function seededLocalHost(options: { commandTimeoutSeconds?: number } = {}): Promise<SeededHost> {
  const sim = await createSimHost({ installDelayMs: 1 });
  Object.assign(process.env, simEnv(sim.root));
  const registry = join(sim.root, "etc", "zmgr");
  seedRegistry(registry, sim.zonesDir);
  return { sim, registry, host: { local: true, registryRoot: registry, ...options } };
}
