// The local runner: the Host contract, plus what only applies to running on this machine.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalHost } from "../../provider/transport/local-host";
import { hostContract, processEnds } from "./host-contract";

let workDir: string;
const host = new LocalHost();

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "zmgr-local-"));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe("LocalHost", () => {
  hostContract({ host: () => host, workDir: () => workDir });

  test("runs no shell unless asked: metacharacters reach the program as text", async () => {
    const r = await host.run(["echo", "$HOME", "a;b", "|", "*"]);
    expect(r.stdout).toBe("$HOME a;b | *\n");
  });

  test("a timeout kills the whole process group, not only the direct child", async () => {
    const pidFile = join(workDir, "grandchild.pid");
    const error = await host.run(["sh", "-c", 'sleep 30 & echo $! > "$1"; wait', "sh", pidFile], { timeoutMs: 300 }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("zmgr::host::timeout");
    const pid = (await host.run(["cat", pidFile])).stdout.trim();
    expect(await processEnds(Number(pid))).toBe(true);
  });

  test("privilege prefixes the command (sudo -n --)", async () => {
    const sudoHost = new LocalHost({ privilege: "sudo", env: { PATH: `${workDir}:${process.env.PATH}` } });
    // A stand-in sudo that prints its argv shows the prefix without needing root.
    const fake = join(workDir, "sudo");
    writeFileSync(fake, '#!/bin/sh\nprintf "[%s]" "$@"\n', { mode: 0o755 });
    expect((await sudoHost.run(["id", "-u"])).stdout).toBe("[-n][--][id][-u]");
  });
});
