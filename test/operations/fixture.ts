// A simulated illumos host reached locally or through the real sshd, with the zmgr basics (pool, publisher, template) on it.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { HostSpec } from "../../provider/operations/host-spec";
import { closeAllHosts } from "../../provider/transport/connect";
import { LocalHost } from "../../provider/transport/local-host";
import { poolProvider } from "../../provider/dynamic/pool-provider";
import { publisherProvider } from "../../provider/dynamic/publisher-provider";
import { templateProvider } from "../../provider/dynamic/template-provider";
import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { ZoneInputs, ZoneOutputs } from "../../provider/operations/zone-inputs";
import { setProgressSink } from "../../provider/operations/progress";
import { createSimHost, simEnv, type SimHost } from "../harness/sim";
import { startSshd, type Sshd } from "../harness/sshd";

/** Runs `before` ahead of every command LocalHost runs (every `run` goes through `runStreaming`); `mockRestore()` ends it. */
export function beforeEachCommand(before: (argv: readonly string[]) => unknown): jest.SpyInstance {
  const original = LocalHost.prototype.runStreaming;
  return jest.spyOn(LocalHost.prototype, "runStreaming").mockImplementation(async function (this: LocalHost, argv, options) {
    await before(argv);
    return original.call(this, argv, options);
  });
}

/** How the tests reach the simulated host. */
export type Via = "local" | "ssh";

/** A simulated host ready for zones. */
export interface ZoneFixture {
  /** The simulator. */
  readonly sim: SimHost;
  /** The sshd, when reached over SSH. */
  readonly sshd: Sshd | undefined;
  /** The `host` input for resources. */
  readonly host: HostSpec;
  /** The registry root. */
  readonly registry: string;
  /** Progress lines printed so far. */
  readonly progress: string[];
  /** Inputs of a zone made from the fixture's template. */
  zone(name: string, extra?: Partial<ZoneInputs>): ZoneInputs;
  /** Creates a zone through the provider. */
  create(inputs: ZoneInputs): Promise<ZoneOutputs>;
  /** Runs a simulated command and returns stdout (throws on non-zero). */
  sh(command: "zonecfg" | "zoneadm" | "dladm" | "pkg" | "zfs", ...args: string[]): Promise<string>;
  /** The zone's registry file text, or undefined. */
  registryFile(zone: string): string | undefined;
  /** Zone names configured on the host. */
  zones(): Promise<string[]>;
  /** VNIC names on the host. */
  vnics(): Promise<string[]>;
  /** Tears everything down. */
  close(): Promise<void>;
}

/** Pool `lan`: 10.0.0.0/24, gateway .1, range .10-.200 over zstub0. */
export const LAN = { name: "lan", network: "10.0.0.0/24", gateway: "10.0.0.1", stub: "zstub0", rangeStart: "10.0.0.10", rangeEnd: "10.0.0.200" };
/** Publisher `omnios`. */
export const OMNIOS = { name: "omnios", origins: ["https://pkg.omnios.org/r151054/core/"] };

/** Makes a fresh simulated host with pool `lan`, publisher `omnios` and template `ipkg` (lipkg brand). */
export async function zoneFixture(via: Via): Promise<ZoneFixture> {
  const sim = await createSimHost({ installDelayMs: 5 });
  const registry = join(sim.root, "etc", "zmgr");
  let sshd: Sshd | undefined;
  let host: HostSpec;
  if (via === "ssh") {
    sshd = await startSshd({ simRoot: sim.root });
    host = { ssh: { host: sshd.host, port: sshd.port, user: sshd.user, privateKeyPath: sshd.clientKeyPath, hostKey: sshd.hostPublicKey }, registryRoot: registry };
  } else {
    Object.assign(process.env, simEnv(sim.root));
    host = { local: true, registryRoot: registry };
  }
  const progress: string[] = [];
  setProgressSink((line) => progress.push(line));
  await poolProvider.create({ ...LAN, host });
  await publisherProvider.create({ ...OMNIOS, host });
  await templateProvider.create({ name: "ipkg", host, brand: "lipkg", autoboot: true, pool: "lan", zonepathPrefix: sim.zonesDir, publishers: ["omnios"] });
  const sh = async (command: Parameters<ZoneFixture["sh"]>[0], ...args: string[]) => {
    const r = await sim.run(command, args);
    if (r.exitCode !== 0) throw new Error(`${command} ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  return {
    sim,
    sshd,
    host,
    registry,
    progress,
    zone: (name, extra = {}) => ({ name, host, template: "ipkg", ...extra }),
    create: async (inputs) => (await zoneProvider.create(inputs)).outs!,
    sh,
    registryFile: (zone) => {
      const p = join(registry, "zones", `${zone}.kdl`);
      return existsSync(p) ? readFileSync(p, "utf8") : undefined;
    },
    zones: async () => (await sh("zoneadm", "list", "-cp")).split("\n").filter(Boolean).map((l) => l.split(":")[1]!).filter((n) => n !== "global"),
    vnics: async () => (await sh("dladm", "show-vnic", "-p", "-o", "link")).split("\n").filter(Boolean),
    close: async () => {
      await closeAllHosts();
      await sshd?.stop();
      sim.remove();
    },
  };
}
