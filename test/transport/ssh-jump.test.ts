// Reaching a host through a jump host (bastion), both real sshd instances; each hop verified and authenticated.

import type { ZmgrError } from "../../provider/errors";
import { SshHost, type SshOptions } from "../../provider/transport/ssh-host";
import { startSshd, type Sshd } from "../harness/sshd";

let jump: Sshd;
let target: Sshd;
const hosts: SshHost[] = [];

function viaJump(extra: Partial<SshOptions> = {}, jumpExtra: Partial<SshOptions> = {}): SshHost {
  const h = new SshHost({
    host: target.host,
    port: target.port,
    user: target.user,
    privateKey: target.clientKey,
    hostKey: target.hostPublicKey,
    agent: false,
    connectRetries: 0,
    jump: { host: jump.host, port: jump.port, user: jump.user, privateKey: jump.clientKey, hostKey: jump.hostPublicKey, agent: false, ...jumpExtra },
    ...extra,
  });
  hosts.push(h);
  return h;
}

beforeAll(async () => {
  jump = await startSshd({ logLevel: "DEBUG1" }); // DEBUG1 logs the forwarded (direct-tcpip) connections
  target = await startSshd();
});
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  await jump?.stop();
  await target?.stop();
});

describe("jump host (two real sshd)", () => {
  test("commands reach the target through a tunnel opened by the jump host", async () => {
    const h = viaJump();
    expect(h.label).toBe(`${target.user}@127.0.0.1:${target.port} via ${jump.user}@127.0.0.1:${jump.port}`);
    expect((await h.run(["sh", "-c", 'echo "$ILLUMOS_SIM_ROOT"'])).stdout).toBe(`${target.simRoot}\n`);
    expect(jump.log()).toContain(`server_request_direct_tcpip: originator 127.0.0.1 port 0, target 127.0.0.1 port ${target.port}`);
    expect(jump.connectionCount()).toBe(1);
    expect(target.connectionCount()).toBe(1);
    expect((await Promise.all(Array.from({ length: 20 }, (_, i) => h.run(["echo", String(i)])))).map((r) => r.stdout.trim())).toEqual(
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
    expect(jump.connectionCount()).toBe(1);
  });

  test("the target's host key is still verified through the tunnel", async () => {
    const e = (await viaJump({ hostKey: jump.hostPublicKey }).run(["true"]).catch((x: unknown) => x)) as ZmgrError;
    expect(e.code).toBe("zmgr::ssh::host-key-mismatch");
    expect(e.message).toContain(target.hostKeyFingerprint);
  });

  test("the jump host's key is verified too", async () => {
    const e = (await viaJump({}, { hostKey: target.hostPublicKey }).run(["true"]).catch((x: unknown) => x)) as ZmgrError;
    expect(e.code).toBe("zmgr::ssh::host-key-mismatch");
    expect(e.message).toContain(jump.hostKeyFingerprint);
    expect(e.message).toContain(`${jump.user}@127.0.0.1:${jump.port}`);
  });

  test("when the jump connection drops, the next command rebuilds both hops", async () => {
    const h = viaJump();
    expect((await h.run(["echo", "1"])).stdout).toBe("1\n");
    await jump.dropConnections();
    expect((await h.run(["echo", "2"])).stdout).toBe("2\n");
    expect(h.connectionsOpened).toBe(2);
  });
});
