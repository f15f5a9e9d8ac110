// Test helpers for the illumos host simulator (test/sim): temp hosts, running commands, the command log, faults.

import { spawn } from "node:child_process";
import { SIM_BIN } from "./repo";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** Absolute path of the simulator's executables (zonecfg, zoneadm, dladm, zlogin, pkg, zfs, pfexec, simctl). */
export { SIM_BIN };

/** The commands the simulator provides. */
export type SimCommand = "zonecfg" | "zoneadm" | "dladm" | "zlogin" | "pkg" | "zfs" | "pfexec" | "simctl";

/** What a finished simulated command returned. */
export interface SimResult {
  /** Standard output, decoded as UTF-8. */
  readonly stdout: string;
  /** Standard error, decoded as UTF-8. */
  readonly stderr: string;
  /** Exit status; 128 + signal number when the command was killed. */
  readonly exitCode: number;
}

/** Options of {@link runSim}. */
export interface RunSimOptions {
  /** Text written to the command's standard input (which is then closed). */
  readonly stdin?: string;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill the command (and its process group) after this many ms; the result then has exitCode 128+9. */
  readonly timeoutMs?: number;
}

/** One line of `$ILLUMOS_SIM_ROOT/log/commands.jsonl`. */
export interface CommandLogEntry {
  /** ISO time the command finished (or started to hang). */
  readonly time: string;
  /** Process id of the simulated command. */
  readonly pid: number;
  /** The command name followed by its arguments. */
  readonly argv: readonly string[];
  /** Exit status, or null for a command that hung (an injected `--hang` fault). */
  readonly exitCode: number | null;
  /** Run time in milliseconds, or null for a hung command. */
  readonly ms: number | null;
  /** CPU (user + system) of the command's process until it logged, in ms: Node start-up and its shim included. */
  readonly cpuMs?: number;
}

/** A fault for {@link addFault}: the Nth call matching `cmd` (and `zone`) fails or hangs. */
export interface SimFault {
  /** Command words to match, e.g. `zoneadm install` (the tool, then words found in order in argv). */
  readonly cmd: string;
  /** Only calls whose argv contains this word (a zone name, a link name...). */
  readonly zone?: string;
  /** Which matching call fires (1-based, default 1). */
  readonly nth?: number;
  /** Fire on every matching call from the Nth on. */
  readonly repeat?: boolean;
  /** Message written to stderr. */
  readonly stderr?: string;
  /** Text written to stdout. */
  readonly stdout?: string;
  /** Exit status (default 1). */
  readonly exit?: number;
  /** Hang until killed instead of exiting. */
  readonly hang?: boolean;
  /** before (default): no effect on state; during: install/uninstall stop midway (zone incomplete); after: the command runs, then fails. */
  readonly when?: "before" | "during" | "after";
}

/** Options of {@link createSimHost}. */
export interface SimHostOptions {
  /** Physical links (default igb0, igb1). */
  readonly phys?: readonly string[];
  /** Etherstub created at init (default zstub0). */
  readonly etherstub?: string;
  /** Dataset holding the zones (default rpool/zones), mounted at `<root>/zones`. */
  readonly zonesDataset?: string;
  /** Global-image publishers as NAME=URL (default the OmniOS bloody core and extra repositories). */
  readonly publishers?: readonly string[];
  /** Install delay in ms (default 20). */
  readonly installDelayMs?: number;
}

/** A simulated illumos host living in a temporary directory. */
export interface SimHost {
  /** The host's state root ($ILLUMOS_SIM_ROOT). */
  readonly root: string;
  /** Where the zones dataset is mounted (`<root>/zones`): put zonepaths under it. */
  readonly zonesDir: string;
  /** Environment that makes the simulator's commands the illumos tools (PATH, ILLUMOS_SIM_ROOT, ILLUMOS_SIM_NODE). */
  readonly env: Readonly<Record<string, string>>;
  /** Runs one simulated command on this host. */
  run(command: SimCommand, args: readonly string[], options?: RunSimOptions): Promise<SimResult>;
  /** The command log so far. */
  log(): CommandLogEntry[];
  /** Adds a fault rule. */
  addFault(fault: SimFault): Promise<void>;
  /** Removes every fault rule. */
  clearFaults(): Promise<void>;
  /** Deletes the host's directory. */
  remove(): void;
}

/** The environment variables that point the simulator at `root` (merge into a process environment). */
export function simEnv(root: string): Record<string, string> {
  return {
    ILLUMOS_SIM_ROOT: root,
    ILLUMOS_SIM_NODE: process.execPath,
    PATH: `${SIM_BIN}${delimiter}${process.env["PATH"] ?? ""}`,
  };
}

/** Runs a simulated command against the host at `root`; never rejects for a non-zero exit. */
export function runSim(root: string, command: SimCommand, args: readonly string[], options: RunSimOptions = {}): Promise<SimResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(join(SIM_BIN, command), [...args], {
      env: { ...process.env, ...simEnv(root), ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.stdin ?? "");
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            try {
              process.kill(-child.pid!, "SIGKILL");
            } catch {
              child.kill("SIGKILL");
            }
          }, options.timeoutMs);
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolvePromise({
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        exitCode: code ?? 128 + (signal === "SIGKILL" ? 9 : signal === "SIGTERM" ? 15 : 1),
      });
    });
  });
}

/** Reads the command log of the host at `root`. */
export function readCommandLog(root: string): CommandLogEntry[] {
  let text = "";
  try {
    text = readFileSync(join(root, "log", "commands.jsonl"), "utf8");
  } catch {
    return [];
  }
  // Tools append to the log while it is read: the text after the last newline may be a line still being written.
  return text
    .split("\n")
    .slice(0, -1)
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as CommandLogEntry);
}

async function simctl(root: string, args: string[]): Promise<void> {
  const r = await runSim(root, "simctl", args);
  if (r.exitCode !== 0) throw new Error(`simctl ${args.join(" ")} failed (${r.exitCode}): ${r.stderr}`);
}

/** Adds a fault rule to the host at `root`. */
export async function addFault(root: string, fault: SimFault): Promise<void> {
  const args = ["fault", "add", "--cmd", fault.cmd];
  if (fault.zone !== undefined) args.push("--zone", fault.zone);
  if (fault.nth !== undefined) args.push("--nth", String(fault.nth));
  if (fault.repeat) args.push("--repeat");
  if (fault.stderr !== undefined) args.push("--stderr", fault.stderr);
  if (fault.stdout !== undefined) args.push("--stdout", fault.stdout);
  if (fault.exit !== undefined) args.push("--exit", String(fault.exit));
  if (fault.hang) args.push("--hang");
  if (fault.when !== undefined) args.push("--when", fault.when);
  await simctl(root, args);
}

/** Removes every fault rule of the host at `root`. */
export async function clearFaults(root: string): Promise<void> {
  await simctl(root, ["fault", "clear"]);
}

/** Deletes a simulated host directory. */
export function removeSimHost(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** Creates a fresh simulated host in a new temporary directory (`simctl init` with the given options). */
export async function createSimHost(options: SimHostOptions = {}): Promise<SimHost> {
  const root = mkdtempSync(join(tmpdir(), "zmgr-sim-"));
  const zonesDir = join(root, "zones");
  const args = ["init", "--phys", (options.phys ?? ["igb0", "igb1"]).join(","), "--etherstub", options.etherstub ?? "zstub0"];
  args.push("--zones-dataset", options.zonesDataset ?? "rpool/zones", "--zones-mountpoint", zonesDir);
  for (const p of options.publishers ?? []) args.push("--publisher", p);
  await simctl(root, args);
  if (options.installDelayMs !== undefined) await simctl(root, ["config", "--install-delay-ms", String(options.installDelayMs)]);
  return {
    root,
    zonesDir,
    env: simEnv(root),
    run: (command, a, o) => runSim(root, command, a, o),
    log: () => readCommandLog(root),
    addFault: (f) => addFault(root, f),
    clearFaults: () => clearFaults(root),
    remove: () => removeSimHost(root),
  };
}
