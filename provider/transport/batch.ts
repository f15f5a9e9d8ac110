// Several commands in one round trip to the host: each argv quoted by quote.ts, outputs framed, exit codes kept apart.

import { randomBytes } from "node:crypto";
import { ZmgrError } from "../errors";
import type { Host, RunOptions, RunResult } from "./host";
import { commandLine, quote, redact } from "./quote";
import { changesShell } from "./ssh-shell";
import { runWithLines, type OutputStream } from "./streaming";

/** One command of a batch. */
export interface BatchStep {
  /** The command. */
  readonly argv: readonly string[];
  /** Receives the batch's stdin (at most one step may); every other step reads /dev/null. */
  readonly stdin?: boolean;
  /** What a non-zero exit does: `stop` skips the steps after it (default), `continue` runs them anyway. */
  readonly onFailure?: "stop" | "continue";
  /** Run this step even when an earlier step stopped the batch (e.g. releasing a lock). Default false. */
  readonly always?: boolean;
  /**
   * Stop the batch (killing it like a timeout) when this step runs longer: `zmgr::host::timeout` naming the step.
   * Enforced on hosts that stream output (SSH, local); elsewhere only the batch's own timeout applies.
   */
  readonly timeoutMs?: number;
}

/** Options of {@link runBatch}: RunOptions for the whole batch, plus what to follow while it runs. */
export interface BatchOptions extends RunOptions {
  /** Called when step `index` starts (after the steps before it ended), on hosts that stream output; else at the end. */
  readonly onStep?: (index: number) => void;
  /** Called with each non-blank output line of step `index` (no newline), as it comes on hosts that stream, else at the end. */
  readonly onLine?: (index: number, line: string, stream: OutputStream) => void;
}

/** Each step's result, in order; undefined for a step that was skipped. */
export type BatchResult = readonly (RunResult | undefined)[];

/**
 * Runs `steps` on `host` in one `/bin/sh -c` round trip. The script is made only of the steps'
 * command lines (every word through quote.ts) and constant glue that prints a random marker around
 * each step's stdout and stderr; data never becomes shell text any other way. Steps after a failed
 * `stop` step are skipped unless marked `always`. Options (stdin, timeout, secrets) apply to the
 * whole batch. Throws like Host.run (transport failures), or `zmgr::host::batch` when the output
 * cannot be split (the shell died mid-way).
 */
export async function runBatch(host: Host, steps: readonly BatchStep[], options: BatchOptions = {}): Promise<BatchResult> {
  if (steps.filter((s) => s.stdin).length > 1) throw new ZmgrError("zmgr::host::batch", "at most one batched command can read stdin", { help: "this is a bug in pulumi-zmgr; please report it" });
  const marker = `@@zmgr-${randomBytes(12).toString("hex")}`;
  const lines = [`m=${quote(marker)}; ok=1`];
  steps.forEach((step, i) => {
    const guard = step.always ? "" : `[ "$ok" = 1 ] && `;
    const input = step.stdin ? "" : " </dev/null";
    const after = step.onFailure === "continue" ? "" : ` [ "$r" = 0 ] || ok=0;`;
    lines.push(
      `${guard}{ printf '%s s ${i}\\n' "$m"; printf '%s s ${i}\\n' "$m" >&2; ${commandLine(step.argv)}${input}; r=$?; ` +
        `printf '\\n%s e ${i} %s\\n' "$m" "$r"; printf '\\n%s e ${i}\\n' "$m" >&2;${after} }`,
    );
  });
  lines.push("true"); // status 0 whatever the last step did; not `exit`, so the script can run in a kept shell
  const argv = ["/bin/sh", "-c", lines.join("\n")];
  const { onStep, onLine, ...rest } = options;
  const run = { ...rest, sameShell: steps.every((s) => !changesShell(s.argv[0] ?? "")) };
  if (!onStep && !onLine && steps.every((s) => s.timeoutMs === undefined)) return splitBatch(await host.run(argv, run), marker, steps.length, host.label);
  return splitBatch(await followBatch(host, argv, steps, marker, { ...options, sameShell: run.sameShell }), marker, steps.length, host.label);
}

/** Runs a batch script following its framing as it streams: each step's start, its lines, its own timeout. */
async function followBatch(host: Host, argv: readonly string[], steps: readonly BatchStep[], marker: string, options: BatchOptions): Promise<RunResult> {
  const { onStep, onLine, ...run } = options;
  const stopper = new AbortController();
  const current: Record<OutputStream, number> = { stdout: -1, stderr: -1 };
  let timer: NodeJS.Timeout | undefined;
  const started = (i: number) => {
    clearTimeout(timer);
    onStep?.(i);
    const ms = steps[i]?.timeoutMs;
    if (ms === undefined) return;
    timer = setTimeout(() => {
      const shown = redact(commandLine(steps[i]!.argv), options.secrets);
      stopper.abort(
        new ZmgrError("zmgr::host::timeout", `\`${shown}\` timed out after ${ms} ms on ${host.label} and was killed`, {
          help: "raise the timeout for this step if the host is just slow, else look at what the command waits for (a lock, the network, a prompt)",
          details: { host: host.label, command: shown, timeoutMs: ms },
        }),
      );
    }, ms);
  };
  const line = (text: string, stream: OutputStream) => {
    if (text.startsWith(`${marker} `)) {
      const [kind, index] = text.slice(marker.length + 1).split(" ");
      current[stream] = kind === "s" ? Number(index) : -1;
      if (stream === "stdout") (kind === "s" ? started(Number(index)) : clearTimeout(timer));
    } else if (text.trim() !== "" && current[stream] >= 0) {
      onLine?.(current[stream], text, stream);
    }
  };
  const signal = run.signal ? AbortSignal.any([run.signal, stopper.signal]) : stopper.signal;
  try {
    return await runWithLines(host, argv, { ...run, signal }, line);
  } finally {
    clearTimeout(timer);
  }
}

/** Splits the framed output of a batch into per-step results. Exported for tests. */
export function splitBatch(result: RunResult, marker: string, count: number, label = "host"): BatchResult {
  const out: (RunResult | undefined)[] = new Array(count).fill(undefined);
  const stdout = new Map<number, { text: string; code: number }>();
  const stderr = new Map<number, string>();
  const esc = marker.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const m of result.stdout.matchAll(new RegExp(`${esc} s (\\d+)\\n([\\s\\S]*?)\\n${esc} e \\1 (\\d+)\\n`, "g"))) {
    stdout.set(Number(m[1]), { text: m[2]!, code: Number(m[3]) });
  }
  for (const m of result.stderr.matchAll(new RegExp(`${esc} s (\\d+)\\n([\\s\\S]*?)\\n${esc} e \\1\\n`, "g"))) stderr.set(Number(m[1]), m[2]!);
  for (let i = 0; i < count; i++) {
    const o = stdout.get(i);
    if (o) out[i] = { stdout: o.text, stderr: stderr.get(i) ?? "", exitCode: o.code };
  }
  if (result.exitCode !== 0 && out.every((r) => r === undefined)) {
    throw new ZmgrError("zmgr::host::batch", `a batch of ${count} commands failed on ${label} before running any (exit code ${result.exitCode}): ${result.stderr.trim().slice(-500)}`, {
      help: "check that /bin/sh works for the login on that host",
      details: { exitCode: result.exitCode },
    });
  }
  return out;
}
