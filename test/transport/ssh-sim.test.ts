// The illumos simulator driven over a real sshd: the zone tools as the provider will run them, through one connection.

import { spawnSync } from "node:child_process";
import type { ZmgrError } from "../../provider/errors";
import { runChecked } from "../../provider/transport/checked";
import { SshHost, type SshOptions } from "../../provider/transport/ssh-host";
import { createSimHost, type SimHost } from "../harness/sim";
import { ensureTestUser, type TestUser } from "../harness/ssh-user";
import { startSshd, type Sshd } from "../harness/sshd";
import { processEnds } from "./host-contract";

let sim: SimHost;
let sshd: Sshd;
let user: TestUser;
let root: SshHost;
const hosts: SshHost[] = [];

function host(extra: Partial<SshOptions> = {}): SshHost {
  const h = new SshHost({ host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.clientKey, hostKey: sshd.hostPublicKey, agent: false, ...extra });
  hosts.push(h);
  return h;
}

beforeAll(async () => {
  user = ensureTestUser();
  sim = await createSimHost();
  sshd = await startSshd({ simRoot: sim.root });
  root = host();
});
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  await sshd?.stop();
  sim?.remove();
});

describe("the simulator over SSH", () => {
  test("zonecfg, zoneadm and dladm give the same bytes and exit codes over sshd as run locally", async () => {
    // Two fresh hosts, one reached over sshd and one run directly, take the same commands (successes and refusals);
    // only each host's own root directory differs in what they print.
    const [remote, local] = await Promise.all([createSimHost({ installDelayMs: 1 }), createSimHost({ installDelayMs: 1 })]);
    const other = await startSshd({ simRoot: remote.root });
    const h = new SshHost({ host: other.host, port: other.port, user: other.user, privateKey: other.clientKey, hostKey: other.hostPublicKey, agent: false });
    try {
      const script = (zones: string) => ["create -b", "set brand=lipkg", `set zonepath=${zones}/web`, "set ip-type=exclusive", "add net", "set physical=web0", "set allowed-address=10.0.0.9/24", "end", "commit", ""].join("\n");
      const steps: { argv: (zones: string) => string[]; stdin?: (zones: string) => string }[] = [
        { argv: () => ["dladm", "create-vnic", "-l", "zstub0", "web0"] },
        { argv: () => ["dladm", "create-vnic", "-l", "zstub0", "web0"] }, // exists
        { argv: () => ["dladm", "create-vnic", "-l", "nolink", "bad name"] },
        { argv: () => ["dladm", "show-vnic", "-p", "-o", "link,over,vid"] },
        { argv: () => ["dladm", "show-link"] },
        { argv: () => ["zonecfg", "-z", "web", "-f", "-"], stdin: script },
        { argv: (z) => ["zonecfg", "-z", "db", `create; set zonepath=${z}/db; set autoboot=true; add attr; set name=note; set type=string; set value="a b"; end; commit`] },
        { argv: () => ["zonecfg", "-z", "db", "set bogus=1"] },
        { argv: () => ["zonecfg", "-z", "web", "info"] },
        { argv: () => ["zonecfg", "-z", "db", "export"] },
        { argv: () => ["zoneadm", "list", "-cp"] },
        { argv: () => ["zoneadm", "list", "-cv"] },
        { argv: () => ["zoneadm", "-z", "web", "boot"] }, // not installed
        { argv: () => ["zoneadm", "-z", "nosuch", "list", "-p"] },
        { argv: () => ["zoneadm", "-z", "web", "verify"] },
        { argv: () => ["zonecfg", "-z", "db", "delete", "-F"] },
        { argv: () => ["dladm", "delete-vnic", "web0"] },
        { argv: () => ["dladm", "delete-vnic", "web0"] }, // gone
      ];
      const normal = (text: string, root: string) => text.split(root).join("<ROOT>");
      for (const step of steps) {
        const [tool, ...args] = step.argv(local.zonesDir);
        const mine = await local.run(tool as never, args, { stdin: step.stdin?.(local.zonesDir) });
        const theirs = await h.run(step.argv(remote.zonesDir), { stdin: step.stdin?.(remote.zonesDir) });
        const shown = (r: { stdout: string; stderr: string; exitCode: number }, root: string) => ({ command: [tool, ...args].join(" "), stdout: normal(r.stdout, root), stderr: normal(r.stderr, root), exitCode: r.exitCode });
        expect(shown(theirs, remote.root)).toEqual(shown(mine, local.root));
      }
      // The sequence really exercised both outcomes.
      expect(local.log().filter((e) => e.exitCode !== 0).length).toBeGreaterThanOrEqual(5);
      expect(local.log().filter((e) => e.exitCode === 0).length).toBeGreaterThanOrEqual(10);
    } finally {
      await h.close();
      await other.stop();
      remote.remove();
      local.remove();
    }
  });

  test("sessions find the simulated tools first on PATH, acting on ILLUMOS_SIM_ROOT", async () => {
    expect((await root.run(["sh", "-c", "command -v zoneadm"])).stdout.trim()).toMatch(/test\/sim\/bin\/zoneadm$/);
    expect((await root.run(["zoneadm", "list", "-cp"])).stdout).toBe("0:global:running:/::ipkg:shared:0\n");
    expect(sim.log().at(-1)?.argv).toEqual(["zoneadm", "list", "-cp"]);
  });

  test("a zone configured from a stdin script over SSH shows up in zoneadm list", async () => {
    const script = ["create -b", "set brand=ipkg", `set zonepath=${sim.zonesDir}/web`, "set ip-type=exclusive", "commit", ""].join("\n");
    await runChecked(root, ["zonecfg", "-z", "web", "-f", "-"], { stdin: script });
    const list = await runChecked(root, ["zoneadm", "list", "-cp"]);
    expect(list.stdout).toContain(`-:web:configured:${sim.zonesDir}/web::ipkg:excl:`);
  });

  test("100 concurrent simulator commands over one TCP connection all succeed", async () => {
    const h = host();
    const before = sshd.connectionCount();
    const logBefore = sim.log().length;
    const results = await Promise.all(Array.from({ length: 100 }, () => h.run(["zoneadm", "list", "-cp"])));
    expect(results.every((r) => r.exitCode === 0 && r.stdout.startsWith("0:global:running:"))).toBe(true);
    expect(sshd.connectionCount() - before).toBe(1);
    expect(sim.log().length - logBefore).toBe(100);
  });

  test("a failing tool's error carries the command, exit code and stderr", async () => {
    const e = (await runChecked(root, ["zoneadm", "-z", "nosuch", "boot"]).catch((x: unknown) => x)) as ZmgrError;
    expect(e.code).toBe("zmgr::host::command-failed");
    expect(e.details.command).toBe("zoneadm -z nosuch boot");
    expect(e.details.exitCode).not.toBe(0);
    expect(e.message).toContain("No such zone configured");
  });

  test("a hung tool (injected fault) times out, is killed on the host, and the connection stays in use", async () => {
    await sim.addFault({ cmd: "zoneadm install", zone: "web", hang: true });
    try {
      await root.run(["true"]);
      const before = sshd.connectionCount();
      const e = (await root.run(["zoneadm", "-z", "web", "install"], { timeoutMs: 1500 }).catch((x: unknown) => x)) as ZmgrError;
      expect(e.code).toBe("zmgr::host::timeout");
      expect(e.message).toContain("`zoneadm -z web install` timed out after 1500 ms");
      const hung = sim.log().find((entry) => entry.argv.join(" ") === "zoneadm -z web install" && entry.exitCode === null);
      expect(hung).toBeDefined();
      expect(await processEnds(hung!.pid)).toBe(true);
      expect((await root.run(["zoneadm", "list", "-cp"])).exitCode).toBe(0);
      expect(sshd.connectionCount()).toBe(before);
    } finally {
      await sim.clearFaults();
    }
  });

  test("privilege pfexec: a non-root login's commands run through the simulator's pfexec", async () => {
    // The simulated pfexec grants nothing, so let the login own the simulated host's state (files root made so far).
    expect(spawnSync("chown", ["-R", user.name, sim.root]).status).toBe(0);
    const h = host({ user: user.name, privateKey: sshd.clientKey, privilege: "pfexec" });
    const r = await runChecked(h, ["zoneadm", "list", "-cp"]);
    expect(r.stdout).toContain("0:global:running:");
    const log = sim.log();
    expect(log.some((entry) => entry.argv.join(" ") === "pfexec zoneadm list -cp")).toBe(true);
  });

  test("privilege sudo: `sudo -n` keeps the simulator on PATH", async () => {
    if (!user.sudo) throw new Error("sudo is not installed: install it (apt-get install sudo) to run the privilege tests");
    const h = host({ user: user.name, password: user.password, privilege: "sudo" });
    expect((await runChecked(h, ["zoneadm", "list", "-cp"])).stdout).toContain("0:global:running:");
    expect((await h.run(["id", "-u"])).stdout).toBe("0\n");
  });
});
