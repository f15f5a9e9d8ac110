// SshHost against a real OpenSSH sshd: the Host contract, one pooled connection, reconnects, timeouts, the pool.

import { existsSync, mkdtempSync } from "node:fs";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZmgrError } from "../../provider/errors";
import { closeAllHosts, hostFor } from "../../provider/transport/connect";
import { runBatch } from "../../provider/transport/batch";
import { SshHost, type SshOptions } from "../../provider/transport/ssh-host";
import { startSshd, type Sshd } from "../harness/sshd";
import { hostContract, waitFor } from "./host-contract";

let sshd: Sshd;
let host: SshHost;
const options = (extra: Partial<SshOptions> = {}): SshOptions => ({
  host: sshd.host,
  port: sshd.port,
  user: sshd.user,
  privateKey: sshd.clientKey,
  hostKey: sshd.hostPublicKey,
  agent: false,
  ...extra,
});

/** Runs `fn` with a new SshHost on the test sshd (`extra` options on top), and closes it afterwards. */
async function withHost(fn: (h: SshHost) => Promise<void>, extra: Partial<SshOptions> = {}): Promise<void> {
  const h = new SshHost(options(extra));
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

beforeAll(async () => {
  sshd = await startSshd();
  host = new SshHost(options());
});
afterAll(async () => {
  await host?.close();
  await closeAllHosts();
  await sshd?.stop();
});

describe("SshHost (real sshd)", () => {
  hostContract({ host: () => host, workDir: () => sshd.dir });

  test("100 concurrent commands open exactly one TCP connection", async () => {
    const fresh = new SshHost(options());
    const before = sshd.connectionCount();
    try {
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => fresh.run(["sh", "-c", 'sleep 0.1; echo "$1"', "sh", String(i)])));
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 100 }, (_, i) => `${i}\n`));
      expect(sshd.connectionCount() - before).toBe(1);
      expect(fresh.connectionsOpened).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  test("keeps working when sshd allows fewer sessions than maxChannels (MaxSessions 3 vs 8)", async () => {
    const tight = await startSshd({ config: ["MaxSessions 3"] });
    const h = new SshHost({ ...options(), port: tight.port, hostKey: tight.hostPublicKey, privateKey: tight.clientKey });
    try {
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => h.run(["sh", "-c", 'sleep 0.05; echo "$1"', "sh", String(i)])));
      expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 30 }, (_, i) => String(i)));
      expect(tight.connectionCount()).toBe(1);
    } finally {
      await h.close();
      await tight.stop();
    }
  });

  test("a dropped connection is re-established by the next command", async () => {
    await withHost(async (h) => {
      expect((await h.run(["echo", "one"])).stdout).toBe("one\n");
      const before = sshd.connectionCount();
      expect(await sshd.dropConnections()).toBeGreaterThanOrEqual(1);
      expect((await h.run(["echo", "two"])).stdout).toBe("two\n");
      expect(sshd.connectionCount() - before).toBe(1);
      expect(h.connectionsOpened).toBe(2);
    });
  });

  test("a command in flight when the connection drops fails with connection-lost (not re-run); the next one reconnects", async () => {
    await withHost(async (h) => {
      const marker = `${sshd.dir}/ran-${Date.now()}`;
      const running = h.run(["sh", "-c", 'echo x >> "$1"; sleep 30', "sh", marker]).catch((e: unknown) => e);
      await waitFor(async () => (await h.run(["test", "-e", marker])).exitCode === 0);
      await sshd.dropConnections();
      const error = (await running) as ZmgrError;
      expect(error.code).toBe("zmgr::host::connection-lost");
      expect(error.message).toContain("sleep 30");
      expect(error.help).toMatch(/not re-run/);
      expect((await h.run(["cat", marker])).stdout).toBe("x\n"); // ran once, never repeated
    });
  });

  test("a timeout leaves the connection usable: no new TCP connection afterwards", async () => {
    await withHost(async (h) => {
      await h.run(["true"]);
      const before = sshd.connectionCount();
      const error = (await h.run(["sleep", "20"], { timeoutMs: 300 }).catch((e: unknown) => e)) as ZmgrError;
      expect(error.code).toBe("zmgr::host::timeout");
      expect(error.message).toBe(`\`sleep 20\` timed out after 300 ms on ${h.label} and was killed`);
      const after = await Promise.all(Array.from({ length: 20 }, () => h.run(["echo", "ok"])));
      expect(after.every((r) => r.stdout === "ok\n")).toBe(true);
      expect(sshd.connectionCount()).toBe(before);
    });
  });

  test("a /bin/sh -c script runs with the pid report folded in: same arguments and output, and a timeout kills its whole tree", async () => {
    const h = new SshHost(options());
    const marker = join(mkdtempSync(join(tmpdir(), "zmgr-kill-")), "after");
    try {
      const r = await h.run(["/bin/sh", "-c", 'printf "%s|" "$0" "$#" "$@"; echo err >&2; exit 3', "sh", "a b", "$c", ""]);
      expect(r).toEqual({ stdout: "sh|3|a b|$c||", stderr: "err\n", exitCode: 3 });
      const error = (await h.run(["/bin/sh", "-c", 'sleep 2; touch "$1"', "sh", marker], { timeoutMs: 300 }).catch((e: unknown) => e)) as ZmgrError;
      expect(error.code).toBe("zmgr::host::timeout");
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(existsSync(marker)).toBe(false); // the shell was killed, not only its sleep
    } finally {
      await h.close();
    }
  });

  test("keepalive notices a host gone silent: the running command fails with connection-lost, the next reconnects", async () => {
    const h = new SshHost(options({ keepaliveIntervalMs: 200 }));
    let thaw: (() => void) | undefined;
    try {
      await h.run(["true"]);
      const running = h.run(["sleep", "30"]).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      thaw = sshd.freezeConnections(); // TCP stays up, sshd answers nothing
      const started = Date.now();
      const error = (await running) as ZmgrError;
      expect(error.code).toBe("zmgr::host::connection-lost");
      expect(error.message).toMatch(/Keepalive timeout/);
      expect(Date.now() - started).toBeLessThan(5000);
      thaw();
      thaw = undefined;
      await sshd.dropConnections();
      expect((await h.run(["echo", "back"])).stdout).toBe("back\n");
    } finally {
      thaw?.();
      await h.close();
    }
  });

  test("a server that accepts TCP but never speaks SSH hits connectTimeoutMs, retried connectRetries times", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as AddressInfo).port;
    try {
      const started = Date.now();
      const error = (await new SshHost(options({ port, connectTimeoutMs: 300, connectRetries: 1 })).run(["true"]).catch((e: unknown) => e)) as ZmgrError;
      expect(error.code).toBe("zmgr::ssh::unreachable");
      expect(error.message).toMatch(/\(2 attempts\): no answer within 300 ms/);
      expect(sockets).toHaveLength(2);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((r) => silent.close(r));
    }
  });

  test("close() ends the connection and a later command reconnects", async () => {
    const h = new SshHost(options());
    await h.run(["true"]);
    await h.close();
    expect((await h.run(["echo", "back"])).stdout).toBe("back\n");
    expect(h.connectionsOpened).toBe(2);
    await h.close();
  });

  test("hostFor shares one Host (one connection) per host and credentials; other credentials get their own", async () => {
    const a = hostFor(options());
    const b = hostFor({ ...options(), hostKey: sshd.hostPublicKey }); // equal settings, new object
    const c = hostFor(options({ privateKey: sshd.clientKey + "\n" })); // different credential text
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(a.label).toBe(`${sshd.user}@127.0.0.1:${sshd.port}`);
    const before = sshd.connectionCount();
    await Promise.all([a.run(["true"]), b.run(["true"]), hostFor(options()).run(["true"])]);
    expect(sshd.connectionCount() - before).toBe(1);
    await closeAllHosts();
  });

  describe("shell sessions", () => {
    const sessions = () => (sshd.log().match(/^Starting session: command /gm) ?? []).length;

    test("commands one after another share one session; 8 at once use at most maxChannels sessions", async () => {
      await withHost(async (h) => {
        const before = sessions();
        for (let i = 0; i < 30; i++) expect(await h.run(["sh", "-c", 'echo "$1"; echo e >&2; exit "$1"', "sh", String(i % 4)])).toEqual({ stdout: `${i % 4}\n`, stderr: "e\n", exitCode: i % 4 });
        expect(sessions() - before).toBe(1);
        const many = await Promise.all(Array.from({ length: 40 }, (_, i) => h.run(["printf", "%s", String(i)])));
        expect(many.map((r) => r.stdout)).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
        expect(sessions() - before).toBeLessThanOrEqual(8);
      });
    });

    test("stdin a here-document can carry stays in the session; other stdin gets a channel of its own, with the same result", async () => {
      await withHost(async (h) => {
        await h.run(["true"]);
        const inSession = ["line one\n", "ends ZMGR_EOF_x\nZMGR_EOF_x\n", "ü 😀 'quotes' $HOME `id`\n"];
        const before = sessions();
        for (const stdin of inSession) expect((await h.run(["cat"], { stdin })).stdout).toBe(stdin);
        expect(sessions()).toBe(before);
        const ownChannel: Array<string | Buffer> = ["no final newline", Buffer.from([104, 0, 105, 10]), "x".repeat(70 * 1024) + "\n"];
        for (const stdin of ownChannel) expect((await h.run(["cat"], { stdin })).stdout).toBe(stdin.toString());
        expect(sessions() - before).toBe(ownChannel.length);
      });
    });

    test("a shell builtin that would change the session runs on a channel of its own, leaving the session as it was", async () => {
      await withHost(async (h) => {
        const home = (await h.run(["pwd"])).stdout;
        for (const argv of [["cd", "/"], ["exit", "3"], ["set", "-e"], ["umask", "777"]]) await h.run(argv);
        expect((await h.run(["pwd"])).stdout).toBe(home);
        expect((await h.run(["sh", "-c", "umask"])).stdout.trim()).not.toBe("0777");
        expect((await h.run(["zmgr-no-such-command"])).stderr).toMatch(/^\/bin\/sh: 1: zmgr-no-such-command: not found/); // no session line count
      });
    });

    test("a batch runs in the session shell itself (no shell of its own), its stdin step included", async () => {
      await withHost(async (h) => {
        const parent = ["sh", "-c", 'echo "$PPID"'];
        const [a] = await runBatch(h, [{ argv: parent }]);
        const [b, input] = await runBatch(h, [{ argv: parent }, { argv: ["cat"], stdin: true }], { stdin: "fed\n" });
        expect(a!.stdout).toBe(b!.stdout); // the same parent both times: the kept shell, not a new `sh -c`
        expect(input!.stdout).toBe("fed\n");
        expect((await h.run(["sh", "-c", 'echo "$PPID"'])).stdout).toBe(a!.stdout);
      });
    });

    test("a killed command's session is not reused; the next command gets a working one", async () => {
      await withHost(async (h) => {
        await h.run(["true"]);
        const error = (await h.run(["sleep", "20"], { timeoutMs: 300 }).catch((e: unknown) => e)) as ZmgrError;
        expect(error.code).toBe("zmgr::host::timeout");
        const after = await Promise.all(Array.from({ length: 10 }, (_, i) => h.run(["echo", String(i)])));
        expect(after.map((r) => r.stdout)).toEqual(Array.from({ length: 10 }, (_, i) => `${i}\n`));
      });
    });
  });

  test("an unreachable host fails after connectRetries with zmgr::ssh::unreachable", async () => {
    const gone = await startSshd();
    await gone.stop(); // its port now refuses connections
    const h = new SshHost(options({ port: gone.port, connectRetries: 1, connectTimeoutMs: 2000 }));
    const error = (await h.run(["true"]).catch((e: unknown) => e)) as ZmgrError;
    expect(error.code).toBe("zmgr::ssh::unreachable");
    expect(error.message).toMatch(/\(2 attempts\)/);
    expect(error.details.attempts).toBe(2);
  });
});
