// A simulated host as people leave them: zones made directly with zonecfg/zoneadm/dladm and a zmgr registry written by hand.

import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SimHost } from "../harness/sim";

/** A zone to make by hand. */
export interface HandmadeZone {
  /** Zone name. */
  readonly name: string;
  /** Brand (default lipkg). */
  readonly brand?: string;
  /** allowed-address with prefix (default none). */
  readonly address?: string;
  /** defrouter (default 10.0.0.1 when an address is given). */
  readonly defrouter?: string | null;
  /** VNIC (default `<name>0`), created over `over`. */
  readonly vnic?: string;
  /** Link the VNIC is made over (default zstub0). */
  readonly over?: string;
  /** autoboot (default true). */
  readonly autoboot?: boolean;
  /** IP type (default exclusive). */
  readonly ipType?: "shared" | "exclusive";
  /** Final state (default running). */
  readonly state?: "configured" | "installed" | "running";
  /** More zonecfg commands (one per element, e.g. `set cpu-shares=10`). */
  readonly extra?: readonly string[];
  /** Net resource lines instead of the default one. */
  readonly net?: readonly string[];
}

/** The registry a zmgr user would have: pool `lan`, publisher `omnios`, templates per brand. */
export const REGISTRY_FILES = (zonesDir: string): Record<string, string> => ({
  "config.kdl": 'default-template "lipkg"\n',
  "pools/lan.kdl": 'pool "lan" {\n    network "10.0.0.0/24"\n    gateway "10.0.0.1"\n    stub "zstub0"\n    range "10.0.0.10" "10.0.0.200"\n}\n',
  "publishers/omnios.kdl": 'publisher "omnios" {\n    origin "https://pkg.omnios.org/r151054/core/"\n}\n',
  "templates/lipkg.kdl": `// zones for the web tier\ntemplate "lipkg" {\n    brand "lipkg"\n    autoboot #true\n    pool "lan"\n    ip-type "exclusive"\n    zonepath-prefix "${zonesDir}"\n    publisher "omnios"\n}\n`,
  "templates/ipkg.kdl": `template "ipkg" {\n    brand "ipkg"\n    pool "lan"\n    zonepath-prefix "${zonesDir}"\n}\n`,
  "templates/sparse.kdl": `template "sparse" {\n    brand "sparse"\n    autoboot #true\n    pool "lan"\n    zonepath-prefix "${zonesDir}"\n    publisher "omnios"\n}\n`,
});

/** Writes registry files (relative path → text) under `root`. */
export function writeRegistry(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

/** Runs a simulated command, throwing on failure. */
export async function simOk(sim: SimHost, command: "zonecfg" | "zoneadm" | "dladm", ...args: string[]): Promise<string> {
  const r = await sim.run(command, args);
  if (r.exitCode !== 0) throw new Error(`${command} ${args.join(" ")}: exit ${r.exitCode}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Makes a zone with zonecfg, dladm and zoneadm, as an administrator would. */
export async function makeZone(sim: SimHost, z: HandmadeZone): Promise<void> {
  const vnic = z.vnic ?? `${z.name}0`;
  const brand = z.brand ?? "lipkg";
  const net =
    z.net ??
    (z.address === undefined
      ? []
      : ["add net", `set physical=${vnic}`, `set allowed-address=${z.address}`, ...(z.defrouter === null ? [] : [`set defrouter=${z.defrouter ?? "10.0.0.1"}`]), "end"]);
  const script = [
    "create -b",
    `set brand=${brand}`,
    `set zonepath=${sim.zonesDir}/${z.name}`,
    `set autoboot=${z.autoboot ?? true}`,
    `set ip-type=${z.ipType ?? "exclusive"}`,
    ...net,
    ...(z.extra ?? []),
    "commit",
  ].join("\n");
  await simOk(sim, "zonecfg", "-z", z.name, script);
  if (z.net === undefined && z.address !== undefined) await simOk(sim, "dladm", "create-vnic", "-l", z.over ?? "zstub0", vnic);
  const state = z.state ?? "running";
  if (state === "configured") return;
  await simOk(sim, "zoneadm", "-z", z.name, "install");
  if (state === "running") await simOk(sim, "zoneadm", "-z", z.name, "boot");
}

/** `zonecfg -z Z export` of every zone, by name. */
export async function zoneExports(sim: SimHost, names: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of names) out[n] = await simOk(sim, "zonecfg", "-z", n, "export");
  return out;
}

/** `zoneadm list -cp` lines without the global zone, with zone ids masked (they change at boot only). */
export async function zoneList(sim: SimHost): Promise<string[]> {
  return (await simOk(sim, "zoneadm", "list", "-cp"))
    .split("\n")
    .filter((l) => l && !l.includes(":global:"))
    .sort();
}

/** Commands in the simulator's log since `from` that change something (anything but list/info/export/show). */
export function mutatingCommands(sim: SimHost, from: number): string[] {
  return sim
    .log()
    .slice(from)
    .map((e) => e.argv.join(" "))
    .filter((c) => !/^zoneadm (-z \S+ )?list\b|^zonecfg -z \S+ (info|export)\b|^dladm show-|^pkg( -R \S+)? publisher\b|^zfs (list|get)\b/.test(c));
}

/** What a run of the installed `pulumi-zmgr` command printed. */
export interface CliRun {
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
  /** Exit code. */
  readonly code: number;
}

/** Runs the `pulumi-zmgr` bin of the package installed in `workspace` as an executable (its `#!/usr/bin/env node` line), in `workspace`. */
export function runInstalledCli(workspace: string, args: readonly string[]): Promise<CliRun> {
  const bin = join(workspace, "node_modules", "pulumi-zmgr", "dist", "cli", "main.js");
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, [...args], { cwd: workspace, env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`, SSH_AUTH_SOCK: "" }, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), code: code ?? 1 }));
  });
}
