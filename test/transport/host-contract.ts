// The behaviour every Host must have (local runner and SSH alike), as a jest suite to run against each.

import { readFileSync } from "node:fs";
import { ZmgrError } from "../../provider/errors";
import { runChecked } from "../../provider/transport/checked";
import type { Host, RunResult, StreamingRunOptions } from "../../provider/transport/host";
import { canStream, runWithLines, type StreamingHost } from "../../provider/transport/streaming";

/** What the contract needs from the file that runs it. */
export interface HostUnderTest {
  /** The host to test (set up in the caller's beforeAll). */
  host(): Host;
  /** A directory the host can write and the test process can read. */
  workDir(): string;
}

/** One line of 10 bytes: 3-, 2- and 4-byte UTF-8 characters and a newline. */
export const MULTIBYTE_LINE = "✓é😀\n";

/** Resolves once `check` is true (polled every 50 ms), or fails after 5 s. */
export async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("waitFor: still not true after 5 s");
}

/** True once process `pid` (on this machine) has exited or is a zombie; false if it still runs after 5 s. */
export async function processEnds(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    let state: string;
    try {
      state = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0]!;
    } catch {
      return true;
    }
    if (state === "Z") return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** The chunks a streaming run passed on, each with its arrival time (ms since the run started). */
interface Streamed {
  readonly result: RunResult;
  readonly stdout: Array<{ text: string; ms: number }>;
  readonly stderr: Array<{ text: string; ms: number }>;
  /** When the promise resolved (ms since the run started). */
  readonly endMs: number;
}

/** Runs `argv` with runStreaming, recording the chunks. */
async function streamed(host: Host, argv: readonly string[], options: StreamingRunOptions = {}): Promise<Streamed> {
  expect(canStream(host)).toBe(true);
  const started = Date.now();
  const stdout: Streamed["stdout"] = [];
  const stderr: Streamed["stderr"] = [];
  const result = await (host as StreamingHost).runStreaming(argv, {
    ...options,
    onStdout: (text) => stdout.push({ text, ms: Date.now() - started }),
    onStderr: (text) => stderr.push({ text, ms: Date.now() - started }),
  });
  return { result, stdout, stderr, endMs: Date.now() - started };
}

const joined = (chunks: ReadonlyArray<{ text: string }>) => chunks.map((c) => c.text).join("");

/** Registers the contract tests in the current describe block. */
export function hostContract(t: HostUnderTest): void {
  test("returns stdout, stderr and the exit code, separately", async () => {
    const r = await t.host().run(["sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(r).toEqual({ stdout: "out\n", stderr: "err\n", exitCode: 3 });
  });

  test("passes every argument through unchanged (quote.ts builds the only shell text)", async () => {
    const args = ["a b", "it's", "$HOME", "`id`", "*", "", "ü 😀", "a\nb", "--x=1;rm -rf /", "\\"];
    const r = await t.host().run(["printf", "[%s]", ...args]);
    expect(r.stdout).toBe(args.map((a) => `[${a}]`).join(""));
  });

  test("feeds stdin, then closes it", async () => {
    const input = "línea 1\n" + MULTIBYTE_LINE.repeat(200_000); // ~2 MiB
    const r = await t.host().run(["cat"], { stdin: input });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(input);
    const bytes = Buffer.from([0, 1, 2, 255]);
    expect((await t.host().run(["od", "-An", "-tx1"], { stdin: bytes })).stdout.trim()).toBe("00 01 02 ff");
  });

  test("delivers 10 MiB of multi-byte output intact", async () => {
    const lines = 1_048_576;
    const r = await t.host().run(["sh", "-c", 'yes "$1" | head -n "$2"', "sh", MULTIBYTE_LINE.trimEnd(), String(lines)]);
    expect(r.exitCode).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBe(10 * 1024 * 1024);
    expect(r.stdout).toBe(MULTIBYTE_LINE.repeat(lines)); // not one U+FFFD from a split chunk
  });

  test("output beyond 64 MiB is refused (zmgr::host::output-too-large) and the command stopped", async () => {
    const error = (await t
      .host()
      .run(["sh", "-c", "head -c 70000000 /dev/zero; sleep 30"], { timeoutMs: 60_000 })
      .catch((e: unknown) => e)) as ZmgrError;
    expect(ZmgrError.isInstance(error) && error.code).toBe("zmgr::host::output-too-large");
    expect((await t.host().run(["echo", "after"])).stdout).toBe("after\n");
  });

  test("reports death by signal as 128 + the signal number", async () => {
    const r = await t.host().run(["sh", "-c", "kill -TERM $$"]);
    expect(r.exitCode).toBe(143);
  });

  test("runs 100 concurrent commands, all succeed", async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => t.host().run(["sh", "-c", 'sleep 0.05; echo "$1"', "sh", String(i)])));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 100 }, (_, i) => `${i}\n`));
    expect(results.every((r) => r.exitCode === 0)).toBe(true);
  });

  test("a command timeout kills the command, names it and its duration, and leaves the host usable", async () => {
    const pidFile = `${t.workDir()}/timeout-${Date.now()}.pid`;
    const started = Date.now();
    const error = await t
      .host()
      .run(["sh", "-c", 'echo $$ > "$1"; exec sleep 30', "sh", pidFile], { timeoutMs: 700 })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(ZmgrError.isInstance(error) && error.code).toBe("zmgr::host::timeout");
    expect((error as ZmgrError).message).toMatch(/exec sleep 30.*700 ms|700 ms.*exec sleep 30/);
    const pid = (await t.host().run(["cat", pidFile])).stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    expect(await processEnds(Number(pid))).toBe(true);
    expect((await t.host().run(["echo", "still usable"])).stdout).toBe("still usable\n");
  });

  test("a missing command exits 127 and runChecked says to check for an illumos host", async () => {
    const r = await t.host().run(["zmgr-no-such-command", "x"]);
    expect(r.exitCode).toBe(127);
    const error = await runChecked(t.host(), ["zmgr-no-such-command"]).catch((e: unknown) => e);
    expect(ZmgrError.isInstance(error) && error.code).toBe("zmgr::host::command-failed");
    expect((error as ZmgrError).help).toMatch(/is this an illumos host/);
    expect((error as ZmgrError).details.exitCode).toBe(127);
  });

  test("errors carry the command with secrets redacted, the exit code and the stderr tail", async () => {
    const secret = "hunter2-s3cret";
    const error = await runChecked(t.host(), ["sh", "-c", 'echo "denied: $1" >&2; exit 5', "sh", secret], { secrets: [secret] }).catch((e: unknown) => e);
    expect(ZmgrError.isInstance(error)).toBe(true);
    const e = error as ZmgrError;
    expect(e.details.exitCode).toBe(5);
    expect(e.details.stderr).toBe("denied: ***\n");
    expect(e.details.command).toContain("***");
    expect(JSON.stringify({ m: e.message, h: e.help, d: e.details })).not.toContain(secret);
  });

  test("a timed-out command's error redacts secrets too", async () => {
    const secret = "tok-98765";
    const error = (await t
      .host()
      .run(["sh", "-c", "sleep 5", "sh", secret], { timeoutMs: 200, secrets: [secret] })
      .catch((e: unknown) => e)) as ZmgrError;
    expect(error.code).toBe("zmgr::host::timeout");
    expect(error.message).not.toContain(secret);
    expect(error.message).toContain("***");
  });

  test("runStreaming passes output on while the command runs, not at its end", async () => {
    const s = await streamed(t.host(), ["sh", "-c", "echo first; sleep 1; echo second >&2; sleep 1; echo third; exit 4"]);
    expect(s.result).toEqual({ stdout: "first\nthird\n", stderr: "second\n", exitCode: 4 });
    expect(s.stdout[0]).toMatchObject({ text: "first\n" });
    expect(s.endMs - s.stdout[0]!.ms).toBeGreaterThan(1500); // two 1 s sleeps come after it
    expect(s.endMs - s.stderr[0]!.ms).toBeGreaterThan(700);
    expect([joined(s.stdout), joined(s.stderr)]).toEqual([s.result.stdout, s.result.stderr]);
  });

  test("runWithLines (zoneadm install's progress) gets each line as it is printed", async () => {
    const started = Date.now();
    const lines: Array<{ line: string; ms: number }> = [];
    const r = await runWithLines(t.host(), ["sh", "-c", "printf 'one\\ntw'; sleep 1; printf 'o\\nthree'"], {}, (line) => lines.push({ line, ms: Date.now() - started }));
    const endMs = Date.now() - started;
    expect(lines.map((l) => l.line)).toEqual(["one", "two", "three"]);
    expect(endMs - lines[0]!.ms).toBeGreaterThan(700);
    expect(r.stdout).toBe("one\ntwo\nthree");
  });

  test("runStreaming never splits a multi-byte character between chunks", async () => {
    // ✓ is E2 9C 93 and 😀 is F0 9F 98 80: each is printed in two writes, a pause apart, on both streams.
    const s = await streamed(t.host(), ["sh", "-c", "printf 'a\\342\\234'; printf 'x\\360\\237' >&2; sleep 0.5; printf '\\223b\\n'; printf '\\230\\200y\\n' >&2"]);
    expect(s.stdout.map((c) => c.text)).toEqual(["a", "✓b\n"]);
    expect(s.stderr.map((c) => c.text)).toEqual(["x", "😀y\n"]);
    expect(s.result).toEqual({ stdout: "a✓b\n", stderr: "x😀y\n", exitCode: 0 });
    const lines = 1_048_576; // 10 MiB in many chunks, whose edges fall inside characters
    const big = await streamed(t.host(), ["sh", "-c", 'yes "$1" | head -n "$2"', "sh", MULTIBYTE_LINE.trimEnd(), String(lines)]);
    expect(big.stdout.length).toBeGreaterThan(1);
    expect(big.stdout.some((c) => c.text.includes("\uFFFD"))).toBe(false);
    expect(joined(big.stdout)).toBe(MULTIBYTE_LINE.repeat(lines));
    expect(big.result.stdout).toBe(MULTIBYTE_LINE.repeat(lines));
  });

  test("runStreaming returns what run returns (exit codes, stdin, a missing command) and its chunks add up to it", async () => {
    const cases: Array<[string[], StreamingRunOptions]> = [
      [["sh", "-c", "echo out; echo err >&2; exit 3"], {}],
      [["cat"], { stdin: "línea 1\n" + MULTIBYTE_LINE.repeat(1000) }],
      [["sh", "-c", "kill -TERM $$"], {}],
      [["zmgr-no-such-command", "x"], {}],
    ];
    for (const [argv, options] of cases) {
      const plain = await t.host().run(argv, options);
      const s = await streamed(t.host(), argv, options);
      expect(s.result).toEqual(plain);
      expect([joined(s.stdout), joined(s.stderr)]).toEqual([plain.stdout, plain.stderr]);
    }
  });

  test("runStreaming times out like run (secrets redacted), after passing on what came before", async () => {
    const secret = "tok-streamed-42";
    const chunks: string[] = [];
    const error = (await (t.host() as StreamingHost)
      .runStreaming(["sh", "-c", 'echo started; exec sleep 30', "sh", secret], { timeoutMs: 700, secrets: [secret], onStdout: (c) => chunks.push(c) })
      .catch((e: unknown) => e)) as ZmgrError;
    expect(ZmgrError.isInstance(error) && error.code).toBe("zmgr::host::timeout");
    expect(error.message).not.toContain(secret);
    expect(chunks).toEqual(["started\n"]);
  });

  test("a callback that throws stops the command (zmgr::host::output-callback-failed); the host stays usable", async () => {
    const pidFile = `${t.workDir()}/callback-${Date.now()}.pid`;
    const error = (await (t.host() as StreamingHost)
      .runStreaming(["sh", "-c", 'echo $$ > "$1"; echo hello; exec sleep 30', "sh", pidFile], {
        onStdout: () => {
          throw new Error("progress sink broke");
        },
      })
      .catch((e: unknown) => e)) as ZmgrError;
    expect(ZmgrError.isInstance(error) && error.code).toBe("zmgr::host::output-callback-failed");
    expect(error.message).toContain("progress sink broke");
    const pid = (await t.host().run(["cat", pidFile])).stdout.trim();
    expect(await processEnds(Number(pid))).toBe(true);
    const late = await (t.host() as StreamingHost).runStreaming(["echo", "bye"], {
      onStdout: () => {
        throw new Error("at the end");
      },
    }).catch((e: unknown) => e);
    expect(ZmgrError.isInstance(late) && late.code).toBe("zmgr::host::output-callback-failed");
    expect((await t.host().run(["echo", "still usable"])).stdout).toBe("still usable\n");
  });

  test("an abort signal stops the command and its tree like a timeout, rejecting with its reason; an aborted one starts nothing", async () => {
    const pidFile = `${t.workDir()}/abort-${Date.now()}.pid`;
    const stopper = new AbortController();
    const reason = new ZmgrError("zmgr::test::stopped", "stopped by the test");
    const running = t.host().run(["sh", "-c", 'echo $$ > "$1"; sleep 30; echo late', "sh", pidFile], { signal: stopper.signal }).catch((e: unknown) => e);
    await waitFor(async () => (await t.host().run(["cat", pidFile])).stdout.trim() !== "");
    stopper.abort(reason);
    expect(await running).toBe(reason);
    const pid = (await t.host().run(["cat", pidFile])).stdout.trim();
    expect(await processEnds(Number(pid))).toBe(true);
    const marker = `${t.workDir()}/never-${Date.now()}`;
    const never = await t.host().run(["touch", marker], { signal: stopper.signal }).catch((e: unknown) => e);
    expect(never).toBe(reason);
    const plain = new AbortController();
    plain.abort("no longer wanted");
    const other = (await t.host().run(["touch", marker], { signal: plain.signal }).catch((e: unknown) => e)) as ZmgrError;
    expect(other.code).toBe("zmgr::host::aborted");
    expect(other.message).toContain("no longer wanted");
    expect((await t.host().run(["sh", "-c", 'test -e "$1" && echo made || echo absent', "sh", marker])).stdout).toBe("absent\n");
    expect((await t.host().run(["echo", "still usable"])).stdout).toBe("still usable\n");
  });
}
