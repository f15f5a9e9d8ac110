// runBatch: several argvs in one round trip, locally and over the real sshd.

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
});
