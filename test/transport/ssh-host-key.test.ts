// Host key verification against a real sshd: refused keys stop the connection before any command runs.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ZmgrError } from "../../provider/errors";
import { SshHost, type SshOptions } from "../../provider/transport/ssh-host";
import { startSshd, type Sshd } from "../harness/sshd";

let sshd: Sshd;
let otherHostKey: string;
const hosts: SshHost[] = [];

function hostWith(trust: Partial<SshOptions>): SshHost {
  const h = new SshHost({ host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.clientKey, agent: false, connectRetries: 0, ...trust });
  hosts.push(h);
  return h;
}

function knownHosts(name: string, text: string): string {
  const path = join(sshd.dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs a command that would leave a marker file; expects a refusal and proves no login and no command happened. */
async function refused(h: SshHost): Promise<ZmgrError> {
  const marker = join(sshd.dir, `ran-${Math.random().toString(36).slice(2)}`);
  const count = (pattern: RegExp) => (sshd.log().match(pattern) ?? []).length;
  const sessionsBefore = count(/Starting session/g);
  const loginsBefore = count(/Accepted (publickey|password)/g);
  const error = await h.run(["touch", marker]).then(
    () => undefined,
    (e: unknown) => e as ZmgrError,
  );
  expect(error).toBeDefined();
  expect(existsSync(marker)).toBe(false);
  expect(count(/Starting session/g)).toBe(sessionsBefore);
  expect(count(/Accepted (publickey|password)/g)).toBe(loginsBefore); // no credentials went to an unverified host
  return error!;
}

beforeAll(async () => {
  sshd = await startSshd();
  const path = join(sshd.dir, "other_host_key");
  expect(spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path]).status).toBe(0);
  otherHostKey = readFileSync(`${path}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
});
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  await sshd?.stop();
});

describe("host key verification (real sshd)", () => {
  test("a pinned OpenSSH key line or SHA256 fingerprint is accepted", async () => {
    expect((await hostWith({ hostKey: sshd.hostPublicKey }).run(["echo", "a"])).stdout).toBe("a\n");
    expect((await hostWith({ hostKey: sshd.hostKeyFingerprint }).run(["echo", "b"])).stdout).toBe("b\n");
  });

  test("a wrong pinned key is refused before any command runs, with expected and presented fingerprints", async () => {
    const e = await refused(hostWith({ hostKey: otherHostKey }));
    expect(e.code).toBe("zmgr::ssh::host-key-mismatch");
    expect(e.message).toContain(`presented ED25519 key ${sshd.hostKeyFingerprint}`);
    expect(e.help).toMatch(/man-in-the-middle/);
  });

  test("an unknown host (empty known_hosts) is refused before any command runs, with the fingerprint and the fix", async () => {
    const path = knownHosts("known_hosts_empty", "");
    const e = await refused(hostWith({ knownHostsPath: path }));
    expect(e.code).toBe("zmgr::ssh::host-key-unknown");
    expect(e.message).toContain(sshd.hostKeyFingerprint);
    expect(e.help).toContain(`ssh-keyscan -p ${sshd.port} -t ed25519 127.0.0.1 >> ${path}`);
    expect(e.help).toContain(`hostKey: "${sshd.hostKeyFingerprint}"`);
  });

  test("the fix the error suggests works: ssh-keyscan output makes the host known", async () => {
    const scan = spawnSync("ssh-keyscan", ["-p", String(sshd.port), "-t", "ed25519", "127.0.0.1"], { encoding: "utf8" });
    const path = knownHosts("known_hosts_scanned", scan.stdout);
    expect((await hostWith({ knownHostsPath: path }).run(["echo", "scanned"])).stdout).toBe("scanned\n");
  });

  test("known_hosts with hashed entries (ssh-keygen -H) is accepted", async () => {
    const path = knownHosts("known_hosts_hashed", `example.org ${otherHostKey}\n${sshd.knownHostsLine}\n`);
    expect(spawnSync("ssh-keygen", ["-H", "-f", path]).status).toBe(0);
    expect(readFileSync(path, "utf8")).not.toContain("127.0.0.1");
    expect((await hostWith({ knownHostsPath: path }).run(["echo", "hashed"])).stdout).toBe("hashed\n");
  });

  test("a changed key in known_hosts is refused as a mismatch naming the known_hosts line", async () => {
    const path = knownHosts("known_hosts_changed", `[127.0.0.1]:${sshd.port} ${otherHostKey}\n`);
    const e = await refused(hostWith({ knownHostsPath: path }));
    expect(e.code).toBe("zmgr::ssh::host-key-mismatch");
    expect(e.message).toContain(`${path}:1`);
    expect(e.help).toContain(`ssh-keygen -R '[127.0.0.1]:${sshd.port}'`);
  });

  test("known_hosts is read at every connection, so adding the key fixes the next attempt", async () => {
    const path = knownHosts("known_hosts_later", "");
    const h = hostWith({ knownHostsPath: path });
    expect((await refused(h)).code).toBe("zmgr::ssh::host-key-unknown");
    writeFileSync(path, sshd.knownHostsLine + "\n");
    expect((await h.run(["echo", "now known"])).stdout).toBe("now known\n");
  });

  test("dangerouslyAcceptAnyHostKey skips the check (the loudly named opt-out)", async () => {
    const path = knownHosts("known_hosts_none", "");
    expect((await hostWith({ knownHostsPath: path, dangerouslyAcceptAnyHostKey: true }).run(["echo", "unsafe"])).stdout).toBe("unsafe\n");
  });
});
