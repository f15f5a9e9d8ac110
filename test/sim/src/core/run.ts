// Runs one simulated command: state root, faults, output, exit status and the command log.

import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { performance } from "node:perf_hooks";
import { Exit, flushIo, Io } from "./io.ts";
import { simPaths, type SimPaths } from "./paths.ts";
import { takeFault, type Fault } from "./faults.ts";
import { hangForever } from "./fsutil.ts";

/** What a command body gets besides its output buffer. */
export interface ToolContext {
  /** The simulated host's state paths. */
  readonly paths: SimPaths;
  /** The command name (zonecfg, zoneadm...). */
  readonly tool: string;
  /** The arguments after the command name. */
  readonly args: readonly string[];
  /**
   * Called by long operations (install, uninstall) at their midpoint: returns the pending
   * `during` fault, if any, and marks it handled.
   */
  duringFault(): Fault | undefined;
}

function withNewline(text: string): string {
  return text === "" || text.endsWith("\n") ? text : text + "\n";
}

function logLine(paths: SimPaths, tool: string, args: readonly string[], exitCode: number | null, ms: number | null, extra: Record<string, unknown> = {}): void {
  try {
    mkdirSync(dirname(paths.commandLog), { recursive: true });
    const cpu = process.cpuUsage(); // since the process began, its /bin/sh shim (exec'ed into Node) included
    const cpuMs = Math.round((cpu.user + cpu.system) / 100) / 10;
    const line = JSON.stringify({ time: new Date().toISOString(), pid: process.pid, argv: [tool, ...args], exitCode, ms, cpuMs, ...extra });
    appendFileSync(paths.commandLog, line + "\n");
  } catch {
    /* logging must never change a command's outcome */
  }
}

/** Emits a firing fault's output; hangs (after logging) or returns its exit status. */
export function fireFault(io: Io, paths: SimPaths, tool: string, args: readonly string[], fault: Fault): number {
  io.print(fault.stdout);
  io.eprint(withNewline(fault.stderr));
  if (fault.hang) {
    flushIo(io);
    logLine(paths, tool, args, null, null, { fault: fault.id, hung: true });
    hangForever();
  }
  return fault.exit;
}

/**
 * Runs `body` as the command `tool args...` and exits the process with its status. The body
 * returns the exit status or throws {@link Exit}. `needsHost`: refuse to run on an
 * uninitialised root (everything but simctl); `log`: append to the command log (not simctl).
 */
export function runTool(tool: string, args: readonly string[], body: (io: Io, ctx: ToolContext) => number, opts: { needsHost?: boolean; log?: boolean } = {}): never {
  const needsHost = opts.needsHost ?? true;
  const logIt = opts.log ?? true;
  const start = performance.now();
  const io = new Io();
  const root = process.env["ILLUMOS_SIM_ROOT"];
  if (root === undefined || root === "") {
    io.eprint(`${tool}: illumos simulator: ILLUMOS_SIM_ROOT is not set (it names the simulated host's state directory; see test/sim/README.md)\n`);
    flushIo(io);
    process.exit(2);
  }
  const paths = simPaths(root);
  if (needsHost && !existsSync(paths.index)) {
    io.eprint(`${tool}: illumos simulator: no simulated host at ${root} (run simctl init first)\n`);
    flushIo(io);
    process.exit(2);
  }
  let code: number;
  let fault = needsHost ? takeFault(paths, tool, args) : undefined;
  if (fault && fault.when === "before") {
    code = fireFault(io, paths, tool, args, fault);
    fault = undefined;
  } else {
    const ctx: ToolContext = {
      paths,
      tool,
      args,
      duringFault: () => {
        if (!fault || fault.when !== "during") return undefined;
        const f = fault;
        fault = undefined;
        return f;
      },
    };
    try {
      code = body(io, ctx);
    } catch (e) {
      if (e instanceof Exit) code = e.code;
      else {
        io.eprint(`${tool}: illumos simulator internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        code = 3;
      }
    }
    if (fault) code = fireFault(io, paths, tool, args, fault);
  }
  flushIo(io);
  if (logIt) logLine(paths, tool, args, code, Math.round((performance.now() - start) * 10) / 10);
  process.exit(code);
}
