// Exact lifetimes of the simulated tool processes, from an strace of the whole benchmark (scripts/bench.sh runs it
// under `strace -f -q --seccomp-bpf -e trace=execve,exit_group`, which stops traced processes only at exec and exit,
// and reports each process's end, `+++ exited with N +++`, once it is gone).

import { closeSync, openSync, readSync } from "node:fs";
import { SIM_BIN } from "../test/harness/repo";

/**
 * One run of a simulated tool: from the exec of its shim until the Node process that became it is gone. That is
 * strace's `+++ exited +++` (or `+++ killed by +++`), not its exit_group call: tearing down a Node process (its
 * threads, ~100 MB of mappings) takes 1.5–2.5 ms after exit_group, which a real zoneadm does not, and its parent waits
 * for it.
 */
export interface ToolSpan {
  /** The process. */
  readonly pid: number;
  /** Tool name (zoneadm, zonecfg, dladm…). */
  readonly tool: string;
  /** Start, epoch ms. */
  readonly startMs: number;
  /** End, epoch ms. */
  readonly endMs: number;
}

const LINE = /^(\d+) +(\d+\.\d+) (execve\("([^"]*)"|\+\+\+ (?:exited|killed) )/;

/** Reads the strace file `path` as it grows and pairs each tool's exec with its exit. */
export class ToolSpans {
  private offset = 0;
  private rest = "";
  private readonly open = new Map<number, { tool: string; startMs: number }>();
  private readonly spans: ToolSpan[] = [];

  constructor(private readonly path: string) {}

  /** The spans that started and ended within [fromMs, toMs] (epoch ms). */
  between(fromMs: number, toMs: number): ToolSpan[] {
    this.read();
    return this.spans.filter((s) => s.startMs >= fromMs && s.endMs <= toMs);
  }

  /** Sum of the durations of {@link between}, ms, and how many. */
  total(fromMs: number, toMs: number): { count: number; ms: number } {
    const spans = this.between(fromMs, toMs);
    return { count: spans.length, ms: spans.reduce((s, x) => s + (x.endMs - x.startMs), 0) };
  }

  private read(): void {
    const fd = openSync(this.path, "r");
    try {
      const buf = Buffer.alloc(1 << 20);
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        const text = this.rest + buf.toString("utf8", 0, n);
        const lines = text.split("\n");
        this.rest = lines.pop()!;
        for (const line of lines) this.line(line);
      }
    } finally {
      closeSync(fd);
    }
  }

  private line(line: string): void {
    const m = LINE.exec(line);
    if (!m) return;
    const pid = Number(m[1]);
    const at = Number(m[2]) * 1000;
    if (m[4] !== undefined) {
      // The shim's exec starts a tool; its later exec of node (same pid) does not restart it.
      if (m[4].startsWith(SIM_BIN + "/") && !line.endsWith("= -1 ENOENT (No such file or directory)")) this.open.set(pid, { tool: m[4].slice(SIM_BIN.length + 1), startMs: at });
      return;
    }
    const started = this.open.get(pid);
    if (!started) return;
    this.open.delete(pid);
    this.spans.push({ pid, tool: started.tool, startMs: started.startMs, endMs: at });
  }
}

/** The tool spans of this run, when scripts/bench.sh runs it under strace (BENCH_STRACE_FILE); else undefined. */
export function toolSpansOfRun(): ToolSpans | undefined {
  const file = process.env.BENCH_STRACE_FILE;
  return file ? new ToolSpans(file) : undefined;
}

/** Now, as epoch ms with sub-ms precision (the clock strace -ttt uses). */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
