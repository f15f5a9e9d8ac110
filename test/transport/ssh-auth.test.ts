// Logging in over SSH against a real sshd: agent, key (plain, encrypted, from a file), password; privilege; clear failures.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ZmgrError } from "../../provider/errors";
import { SshHost, type SshOptions } from "../../provider/transport/ssh-host";
import { startAgent, type SshAgent } from "../harness/ssh-agent";
import { ensureTestUser, type TestUser } from "../harness/ssh-user";
import { startSshd, type Sshd } from "../harness/sshd";
import { processEnds } from "./host-contract";

let sshd: Sshd;
let user: TestUser;
const hosts: SshHost[] = [];

/** A host to `sshd` with only the credentials in `auth` (no agent unless given). */
function hostWith(auth: Partial<SshOptions>): SshHost {
  const h = new SshHost({ host: sshd.host, port: sshd.port, user: sshd.user, hostKey: sshd.hostPublicKey, agent: false, connectRetries: 0, ...auth });
  hosts.push(h);
  return h;
}

async function failure(h: SshHost): Promise<ZmgrError> {
  const result = await h.run(["true"]).then(
    () => undefined,
    (e: unknown) => e as ZmgrError,
  );
  if (!result) throw new Error("expected the login to fail");
  return result;
}

beforeAll(async () => {
  user = ensureTestUser();
  sshd = await startSshd();
});
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  await sshd?.stop();
});

describe("SSH authentication", () => {
  test("private key given as text", async () => {
    expect((await hostWith({ privateKey: sshd.clientKey }).run(["id", "-un"])).stdout).toBe(`${sshd.user}\n`);
  });

  test("private key read from privateKeyPath", async () => {
    expect((await hostWith({ privateKeyPath: sshd.clientKeyPath }).run(["echo", "ok"])).stdout).toBe("ok\n");
  });

  test("an encrypted key with its passphrase; a wrong passphrase fails before connecting", async () => {
    const key = sshd.authorizeNewKey("encrypted_ed25519", "correct horse");
    expect((await hostWith({ privateKey: key, passphrase: "correct horse" }).run(["echo", "ok"])).stdout).toBe("ok\n");

    const before = sshd.connectionCount();
    const wrong = await failure(hostWith({ privateKey: key, passphrase: "wrong" }));
    expect(wrong.code).toBe("zmgr::ssh::bad-private-key");
    expect(wrong.message).toMatch(/passphrase is missing or wrong/);
    const missing = await failure(hostWith({ privateKey: key }));
    expect(missing.code).toBe("zmgr::ssh::bad-private-key");
    expect(sshd.connectionCount()).toBe(before);
  });

  test("ssh-agent (a real one, holding the client key)", async () => {
    const agent: SshAgent = await startAgent([sshd.clientKeyPath]);
    try {
      expect((await hostWith({ agent: agent.socket }).run(["echo", "via agent"])).stdout).toBe("via agent\n");
      expect(sshd.log()).toMatch(new RegExp(`Accepted publickey for ${sshd.user} .*ED25519`));
    } finally {
      await agent.stop();
    }
  });

  test("the agent defaults to SSH_AUTH_SOCK", async () => {
    const agent = await startAgent([sshd.clientKeyPath]);
    const saved = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = agent.socket;
    try {
      expect((await hostWith({ agent: undefined }).run(["echo", "default agent"])).stdout).toBe("default agent\n");
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      await agent.stop();
    }
  });

  test("password, for a non-root user", async () => {
    const h = hostWith({ user: user.name, password: user.password });
    expect((await h.run(["id", "-un"])).stdout).toBe(`${user.name}\n`);
    expect(h.label).toBe(`${user.name}@127.0.0.1:${sshd.port}`);
  });

  test("a fast login shell: 300 quick commands in a row each get their exit status (exit-status arriving with the exec reply)", async () => {
    const h = hostWith({ user: user.name, privateKey: sshd.clientKey }); // /bin/sh login: the reply, exit and close come at once
    for (let i = 0; i < 300; i++) {
      const r = await h.run(["sh", "-c", `exit ${i % 7}`]);
      expect(r.exitCode).toBe(i % 7);
    }
  });

  test("a refused login names the methods tried and the ones the host accepts, never the secret", async () => {
    const wrongPassword = await failure(hostWith({ user: user.name, password: "not-the-password-42" }));
    expect(wrongPassword.code).toBe("zmgr::ssh::auth-failed");
    expect(wrongPassword.message).toMatch(/tried password; the host accepts publickey, password/);
    expect(JSON.stringify([wrongPassword.message, wrongPassword.help, wrongPassword.details])).not.toContain("not-the-password-42");

    const otherKey = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(sshd.dir, "stranger")]);
    expect(otherKey.status).toBe(0);
    const agent = await startAgent([join(sshd.dir, "stranger")]);
    try {
      const refused = await failure(hostWith({ agent: agent.socket, privateKey: readFileSync(join(sshd.dir, "stranger"), "utf8") }));
      expect(refused.code).toBe("zmgr::ssh::auth-failed");
      expect(refused.message).toMatch(/tried agent \(.*\), publickey \(privateKey\)/);
      expect(refused.help).toMatch(/authorized_keys/);
    } finally {
      await agent.stop();
    }
  });

  test("no credentials at all fails before connecting", async () => {
    const before = sshd.connectionCount();
    const e = await failure(hostWith({}));
    expect(e.code).toBe("zmgr::ssh::no-credentials");
    expect(sshd.connectionCount()).toBe(before);
  });

  test("privilege sudo: a non-root login runs commands as root with `sudo -n`", async () => {
    if (!user.sudo) throw new Error("sudo is not installed: install it (apt-get install sudo) to run the privilege tests");
    const h = hostWith({ user: user.name, password: user.password, privilege: "sudo" });
    expect((await h.run(["id", "-u"])).stdout).toBe("0\n");
    expect((await h.run(["sh", "-c", 'echo "$ILLUMOS_SIM_ROOT"'])).stdout).toBe(`${sshd.simRoot}\n`); // the session's environment survives sudo
  });

  test("privilege sudo: a timeout kills the root-owned command", async () => {
    if (!user.sudo) throw new Error("sudo is not installed: install it (apt-get install sudo) to run the privilege tests");
    const h = hostWith({ user: user.name, password: user.password, privilege: "sudo" });
    const pidFile = `/tmp/zmgr-sudo-timeout-${process.pid}.pid`;
    const e = (await h.run(["sh", "-c", 'echo $$ > "$1"; exec sleep 30', "sh", pidFile], { timeoutMs: 500 }).catch((x: unknown) => x)) as ZmgrError;
    expect(e.code).toBe("zmgr::host::timeout");
    expect(e.message).toMatch(/^`sudo -n -- sh -c/);
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(await processEnds(pid)).toBe(true);
    await h.run(["rm", "-f", pidFile]);
  });
});
