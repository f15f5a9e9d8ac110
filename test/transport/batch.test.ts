// runBatch: several argvs in one round trip, locally and over the real sshd.

import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ZmgrError } from "../../provider/errors";
import { LocalHost } from "../../provider/transport/local-host";
import { runBatch } from "../../provider/transport/batch";
import { SshHost } from "../../provider/transport/ssh-host";
import type { Host } from "../../provider/transport/host";
import { startSshd, type Sshd } from "../harness/sshd";

let sshd: Sshd;
let ssh: SshHost;
beforeAll(async () => {
  sshd = await startSshd();
  ssh = new SshHost({ host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.clientKey, hostKey: sshd.hostPublicKey });
});
afterAll(async () => {
  await ssh?.close();
  await sshd?.stop();
});

describe.each<[string, () => Host]>([
  ["local", () => new LocalHost()],
  ["ssh", () => ssh],
])("runBatch (%s)", (_name, host) => {
  test("each step's stdout, stderr and exit code come back apart, in one round trip", async () => {
    const before = sshd.log().split("\n").filter((l) => /session|exec/.test(l)).length;
    const r = await runBatch(host(), [
      { argv: ["printf", "%s\\n", "one", "two"] },
      { argv: ["sh", "-c", 'echo "to stderr" >&2; printf "no newline"; exit 0'] },
      { argv: ["sh", "-c", "exit 7"], onFailure: "continue" },
      { argv: ["printf", "%s", "it's a \"quoted\" $(value); `x` \\n\n"] },
    ]);
    expect(r).toEqual([
      { stdout: "one\ntwo\n", stderr: "", exitCode: 0 },
      { stdout: "no newline", stderr: "to stderr\n", exitCode: 0 },
      { stdout: "", stderr: "", exitCode: 7 },
      { stdout: "it's a \"quoted\" $(value); `x` \\n\n", stderr: "", exitCode: 0 },
    ]);
    if (host() === ssh) expect(sshd.log().split("\n").filter((l) => /session|exec/.test(l)).length - before).toBeLessThanOrEqual(2);
  });

  test("a failing step stops the rest, except steps marked always", async () => {
    const r = await runBatch(host(), [{ argv: ["true"] }, { argv: ["false"] }, { argv: ["echo", "skipped"] }, { argv: ["echo", "cleanup"], always: true }]);
    expect(r.map((x) => x?.exitCode)).toEqual([0, 1, undefined, 0]);
    expect(r[3]!.stdout).toBe("cleanup\n");
  });

  test("stdin goes to the one step that asks for it; others read nothing", async () => {
    const r = await runBatch(host(), [{ argv: ["cat"] }, { argv: ["cat"], stdin: true }, { argv: ["cat"] }], { stdin: "line 1\nline ✓ 2\n" });
    expect(r.map((x) => x!.stdout)).toEqual(["", "line 1\nline ✓ 2\n", ""]);
  });

  test("output that contains a marker-like line does not confuse the framing", async () => {
    const r = await runBatch(host(), [{ argv: ["printf", "%s\\n", "@@zmgr-000 e 0 0", "x"] }, { argv: ["echo", "y"] }]);
    expect(r.map((x) => x!.stdout)).toEqual(["@@zmgr-000 e 0 0\nx\n", "y\n"]);
  });

  test("onStep and onLine follow each step as it runs; the results are what a plain batch returns", async () => {
    const seen: string[] = [];
    const at: number[] = [];
    const steps = [
      { argv: ["sh", "-c", "echo one; sleep 0.4; echo two; echo err >&2"] },
      { argv: ["sh", "-c", "printf 'no newline'; exit 3"], onFailure: "continue" as const },
      { argv: ["echo", "last"] },
    ];
    const r = await runBatch(host(), steps, {
      onStep: (i) => {
        seen.push(`step ${i}`);
        at.push(Date.now());
      },
      onLine: (i, line, stream) => seen.push(`${i} ${stream} ${line}`),
    });
    expect(seen).toEqual(["step 0", "0 stdout one", "0 stdout two", "0 stderr err", "step 1", "1 stdout no newline", "step 2", "2 stdout last"]);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(350); // step 0 was seen starting while it ran, not at the end
    expect(r).toEqual(await runBatch(host(), steps));
  });

  test("a step past its own timeout stops the batch with zmgr::host::timeout naming that step; its tree is killed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "zmgr-batch-"));
    const started = Date.now();
    const error = (await runBatch(host(), [
      { argv: ["sh", "-c", "sleep 0.5"], timeoutMs: 5000 },
      { argv: ["sh", "-c", 'sleep 2; touch "$1"', "sh", join(dir, "late")], timeoutMs: 400 },
      { argv: ["touch", join(dir, "after")], always: true },
    ]).catch((e: unknown) => e)) as ZmgrError;
    expect(error.code).toBe("zmgr::host::timeout");
    expect(error.message).toMatch(/^`sh -c 'sleep 2; touch "\$1"' sh \S+` timed out after 400 ms on \S+ and was killed$/);
    expect(Date.now() - started).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(existsSync(join(dir, "late"))).toBe(false);
    expect(existsSync(join(dir, "after"))).toBe(false); // the whole batch stopped
  });
});
