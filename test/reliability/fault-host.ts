// A recording, fault-injecting wrapper around every Host the provider uses: a chosen round trip fails, takes effect but reports failure, or loses its connection.
//
// Test files install it with `jest.mock("../../provider/transport/connect", () => jest.requireActual("./mock-connect"))`,
// so the dynamic providers run unchanged while each command is recorded and chosen ones fail.

import { AsyncLocalStorage } from "node:async_hooks";
import type { Host, RunOptions, RunResult, StreamingRunOptions } from "../../provider/transport/host";
import { ZmgrError } from "../../provider/errors";

/**
 * How the chosen round trip fails:
 * - `fail`: it never runs; it exits 1 with an error message (a command that failed);
 * - `fail-after`: it runs to completion, then reports exit 1 (a command that took effect but says it failed);
 * - `lost-after`: it runs to completion, then the connection is lost before the exit status arrives;
 * - `lost-before`: the connection is lost before it starts (it never runs).
 */
export type FaultKind = "fail" | "fail-after" | "lost-after" | "lost-before";

/** One recorded round trip. */
export interface RecordedCall {
  /** What it was, e.g. `registry lock`, `zoneadm -z web install`. */
  readonly step: string;
  /** The argv as given to the host. */
  readonly argv: readonly string[];
  /** Its stdin, as text. */
  readonly stdin: string;
}

/** A fault to inject in one operation. */
export interface ArmedFault {
  /** The step that fails (as {@link stepOf} names it). */
  readonly step: string;
  /** Which occurrence of that step in the operation, from 1. */
  readonly occurrence: number;
  /** How it fails. */
  readonly kind: FaultKind;
  /** Runs when the fault fires, before the failure is reported (e.g. drop the real SSH connections). */
  readonly onFire?: () => Promise<unknown>;
}

/** The round trips of one operation run under {@link FaultController.scope}, and the faults that fired in it. */
export interface FaultScope {
  /** Round trips, in order. */
  readonly calls: RecordedCall[];
  /** The faults still to fire. */
  readonly armed: ArmedFault[];
  /** The faults that fired. */
  readonly fired: (RecordedCall & { readonly kind: FaultKind })[];
}

/** Recognises the provider's shell scripts by a line only each of them has. */
const SCRIPTS: readonly [RegExp, string][] = [
  [/echo acquired/, "registry lock"],
  [/\.broken\./, "registry lock break"],
  [/rm -rf "\$lock"$/m, "registry unlock"],
  [/\.zmgr-write\./, "registry write"],
  [/rm -f "\$target"/, "registry delete"],
  [/emit\(\)/, "registry read"],
  [/zonecfg -z "\$z" info/, "zone probe"],
  [/dladm delete-vnic "\$1"/, "dladm delete-vnic"],
];

/** Options that take a value in the zone tools' argv (skipped when naming a command). */
const VALUE_OPTIONS = new Set(["-z", "-R", "-l", "-o"]);

/**
 * A short, zone-independent name for a command: the script it runs (`registry lock`), or the tool and
 * its subcommand (`zoneadm install`, `zonecfg -f`, `dladm create-vnic`, `pkg set-publisher`).
 */
function stepOf(argv: readonly string[]): string {
  const script = argv[0] === "/bin/sh" && argv[1] === "-c" ? (argv[2] ?? "") : "";
  if (script) return SCRIPTS.find(([re]) => re.test(script))?.[1] ?? "sh script";
  for (let i = 1; i < argv.length; i++) {
    if (VALUE_OPTIONS.has(argv[i]!)) i++;
    else return `${argv[0]} ${argv[i]}`;
  }
  return argv[0] ?? "";
}

/** One command inside a batch (provider/transport/batch.ts): where its command text sits in the batch script. */
interface BatchPart {
  readonly step: string;
  readonly text: string;
  /** Offsets of the command text in the script. */
  readonly start: number;
  readonly end: number;
  /** Where the next step's statement starts (or the script's final `true`). */
  readonly next: number;
}

/** The commands of a runBatch script, or undefined when `argv` is not one. Relies on batch.ts's constant framing. */
function batchParts(argv: readonly string[]): BatchPart[] | undefined {
  const script = argv[0] === "/bin/sh" && argv[1] === "-c" && argv.length === 3 ? argv[2]! : "";
  if (!script.startsWith("m=")) return undefined;
  const parts: BatchPart[] = [];
  for (let i = 0; ; i++) {
    const open = `printf '%s s ${i}\\n' "$m" >&2; `;
    const a = script.indexOf(open);
    if (a < 0) break;
    const b = script.indexOf(`; r=$?; printf '\\n%s e ${i} %s\\n'`, a);
    const following = script.indexOf(`printf '%s s ${i + 1}\\n' "$m"; `, b);
    const next = script.lastIndexOf("\n", following < 0 ? script.lastIndexOf("\ntrue") + 1 : following) + 1;
    if (b < 0) throw new Error(`fault-host: cannot read batch step ${i}; has provider/transport/batch.ts changed its framing?`);
    const text = script.slice(a + open.length, b).replace(/ <\/dev\/null$/, "");
    const words = text.startsWith("/bin/sh -c ") ? ["/bin/sh", "-c", text] : text.split(" ");
    parts.push({ step: stepOf(words), text, start: a + open.length, end: b, next });
  }
  if (parts.length === 0) throw new Error("fault-host: a batch script without steps; has provider/transport/batch.ts changed its framing?");
  return parts;
}

/** The batch script with its `part` made to fail the way `kind` says. */
function faultBatch(script: string, part: BatchPart, kind: FaultKind): string {
  switch (kind) {
    case "fail":
    case "lost-before":
      return `${script.slice(0, part.start)}echo ${quoteSh(`injected failure of ${part.step}`)} >&2; false${script.slice(part.end)}`;
    case "fail-after":
      return `${script.slice(0, part.end)}; echo ${quoteSh(`injected failure after ${part.step} ran`)} >&2; false${script.slice(part.end)}`;
    case "lost-after":
      // The shell stops right after this command, as when the connection drops there.
      return `${script.slice(0, part.next)}exit 0\n${script.slice(part.next)}`;
  }
}

const quoteSh = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

/**
 * Records every round trip of every wrapped host (each command of a batch as its own step) and fails
 * the armed ones. Operations run in a scope (AsyncLocalStorage), so concurrent operations count
 * their own steps and only their own faults fire.
 */
export class FaultController {
  private readonly storage = new AsyncLocalStorage<FaultScope>();
  private readonly wrapped = new WeakMap<Host, Host>();

  /** Runs `fn` as one operation with `armed` faults; returns its scope (calls, fired faults) with its outcome. */
  async scope<T>(armed: readonly ArmedFault[], fn: () => Promise<T>): Promise<FaultScope & { readonly result?: T; readonly error?: unknown }> {
    const scope: FaultScope = { calls: [], armed: [...armed], fired: [] };
    try {
      const result = await this.storage.run(scope, fn);
      return { ...scope, result };
    } catch (error) {
      return { ...scope, error };
    }
  }

  /** The wrapper of `host` (one per host, so the provider's connection pool keeps working). */
  wrap(host: Host): Host {
    let w = this.wrapped.get(host);
    if (!w) {
      w = this.makeWrapper(host);
      this.wrapped.set(host, w);
    }
    return w;
  }

  private makeWrapper(inner: Host): Host {
    const streaming = inner as Host & { runStreaming?: (argv: readonly string[], o: StreamingRunOptions) => Promise<RunResult> };
    const go = async (argv: readonly string[], options: StreamingRunOptions, real: (argv: readonly string[], change?: RunOptions) => Promise<RunResult>): Promise<RunResult> => {
      const stdin = options.stdin === undefined ? "" : String(options.stdin);
      const parts = batchParts(argv);
      const calls: RecordedCall[] = parts ? parts.map((p) => ({ step: p.step, argv: [p.text], stdin })) : [{ step: stepOf(argv), argv: [...argv], stdin }];
      const scope = this.storage.getStore();
      if (!scope) return real(argv);
      let hit: { fault: ArmedFault; index: number } | undefined;
      calls.forEach((call, index) => {
        scope.calls.push(call);
        const occurrence = scope.calls.filter((c) => c.step === call.step).length;
        const i = scope.armed.findIndex((f) => f.step === call.step && f.occurrence === occurrence);
        if (i >= 0 && !hit) hit = { fault: scope.armed.splice(i, 1)[0]!, index };
      });
      if (!hit) return real(argv);
      const { fault, index } = hit;
      const call = calls[index]!;
      scope.fired.push({ ...call, kind: fault.kind });
      const lost = (started: boolean) =>
        new ZmgrError("zmgr::host::connection-lost", `injected: the connection to ${inner.label} dropped ${started ? "while" : "before"} \`${call.step}\` ${started ? "was running" : "could start"}`, {
          help: "injected by the reliability tests",
          details: { host: inner.label, started },
        });
      if (parts) {
        // One command of a batch: the batch runs with that command failing, or stops after it.
        if (fault.kind === "lost-before" && index === 0) {
          await fault.onFire?.();
          throw lost(false);
        }
        // A rewritten script may `exit`: it runs in a shell of its own, never in a kept one (RunOptions.sameShell).
        const result = await real(["/bin/sh", "-c", faultBatch(argv[2]!, parts[index]!, fault.kind)], { sameShell: false });
        await fault.onFire?.();
        if (fault.kind === "lost-after" || fault.kind === "lost-before") throw lost(true);
        return result;
      }
      if (fault.kind === "fail" || fault.kind === "lost-before") {
        await fault.onFire?.();
        if (fault.kind === "lost-before") throw lost(false);
        return { stdout: "", stderr: `injected failure of ${call.step}`, exitCode: 1 };
      }
      const result = await real(argv);
      await fault.onFire?.();
      if (fault.kind === "lost-after") throw lost(true);
      return { stdout: result.stdout, stderr: `${result.stderr}injected failure after ${call.step} ran`, exitCode: result.exitCode === 0 ? 1 : result.exitCode };
    };
    const wrapper: Host & { runStreaming?: unknown } = {
      label: inner.label,
      run: (argv: readonly string[], options: RunOptions = {}) => go(argv, options, (a, change) => inner.run(a, { ...options, ...change })),
      close: () => inner.close(),
    };
    if (typeof streaming.runStreaming === "function") {
      wrapper.runStreaming = (argv: readonly string[], options: StreamingRunOptions = {}) => go(argv, options, (a, change) => streaming.runStreaming!.call(inner, a, { ...options, ...change }));
    }
    return wrapper;
  }
}

/** The process-wide controller (one per jest test file, which is one module registry). */
export const faults: FaultController = ((globalThis as { __zmgrFaults?: FaultController }).__zmgrFaults ??= new FaultController());
