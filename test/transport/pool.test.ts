// The channel semaphore, the host pool's keys, and SSH option validation: no network needed.

import { ZmgrError } from "../../provider/errors";
import { closeAllHosts, hostFor, poolKey } from "../../provider/transport/connect";
import { LocalHost } from "../../provider/transport/local-host";
import { SshHost } from "../../provider/transport/ssh-host";
import { resolveSshOptions } from "../../provider/transport/ssh-options";
import { Semaphore } from "../../provider/transport/semaphore";

afterAll(() => closeAllHosts());

describe("Semaphore", () => {
  test("never lets more than `limit` run, and serves waiters in order", async () => {
    const s = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const release = await s.acquire();
        order.push(i);
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        release();
        release(); // a second call is harmless
      }),
    );
    expect(peak).toBe(3);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(s.inUse).toBe(0);
    expect(s.queued).toBe(0);
  });

  test("rejects a limit below 1", () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe("hostFor / poolKey", () => {
  const ssh = { host: "gz1.example.org", user: "admin", password: "pw-1", hostKey: "SHA256:" + "A".repeat(43) };

  test("equal settings share one Host whatever the key order; any difference gets its own", () => {
    const a = hostFor(ssh);
    expect(hostFor({ hostKey: ssh.hostKey, password: "pw-1", user: "admin", host: "gz1.example.org" })).toBe(a);
    expect(hostFor({ ...ssh, password: "pw-2" })).not.toBe(a);
    expect(hostFor({ ...ssh, port: 2222 })).not.toBe(a);
    expect(hostFor({ ...ssh, jump: { host: "bastion", password: "x" } })).not.toBe(a);
    expect(hostFor({ ...ssh, jump: { host: "bastion", password: "x" } })).toBe(hostFor({ ...ssh, jump: { password: "x", host: "bastion" } }));
    expect(a).toBeInstanceOf(SshHost);
    expect(hostFor({ local: true })).toBeInstanceOf(LocalHost);
    expect(hostFor({ local: true })).toBe(hostFor({ local: true }));
  });

  test("the key is a hash: no credential appears in it or in the label", () => {
    const key = poolKey({ ...ssh, privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----abc", passphrase: "pp" });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(hostFor(ssh).label).toBe("admin@gz1.example.org:22");
  });
});

describe("SSH options", () => {
  test("defaults: root, port 22, 8 channels, retries, keepalive; label with the jump host", () => {
    const o = resolveSshOptions({ host: "gz1", jump: { host: "bastion", user: "me", port: 2200 }, agent: false });
    expect([o.user, o.port, o.maxChannels, o.connectRetries, o.keepaliveIntervalMs, o.agent]).toEqual(["root", 22, 8, 2, 15000, undefined]);
    expect(o.label).toBe("root@gz1:22 via me@bastion:2200");
  });

  test("bad values are refused naming the option and the value", () => {
    const cases: Array<[object, string]> = [
      [{ host: "" }, "host"],
      [{ host: "gz1", port: 70000 }, "port"],
      [{ host: "gz1", user: "bad user" }, "user"],
      [{ host: "gz1", maxChannels: 0 }, "maxChannels"],
      [{ host: "gz1", connectTimeoutMs: 1.5 }, "connectTimeoutMs"],
    ];
    for (const [options, name] of cases) {
      let error: unknown;
      try {
        resolveSshOptions(options as never);
      } catch (e) {
        error = e;
      }
      expect(ZmgrError.isInstance(error) && error.code).toBe("zmgr::ssh::bad-option");
      expect((error as Error).message).toContain(`\`${name}\``);
    }
  });

  test("privilege gives the argv prefix; a wrong one is refused", () => {
    expect(resolveSshOptions({ host: "gz1", privilege: "sudo" }).privilegePrefix).toEqual(["sudo", "-n", "--"]);
    expect(resolveSshOptions({ host: "gz1", privilege: "pfexec" }).privilegePrefix).toEqual(["pfexec"]);
    expect(() => resolveSshOptions({ host: "gz1", privilege: "doas" as never })).toThrow(/privilege must be/);
  });
});
