// Security through the real sshd: a host key that does not match is refused before anything runs; password,
// passphrase and private key never appear in errors, progress, logs or any command line; registry files are
// written with safe modes, and a registry write's temporary file is never readable by others.

jest.mock("../../provider/transport/connect", () => jest.requireActual("./mock-connect"));

import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { HostSpec } from "../../provider/operations/host-spec";
import { setProgressSink } from "../../provider/operations/progress";
import type { ZoneInputs, ZoneOutputs } from "../../provider/operations/zone-inputs";
import { acquireRegistryLock } from "../../provider/registry/lock";
import { closeAllHosts } from "../../provider/transport/connect";
import { LocalHost } from "../../provider/transport/local-host";
import { createSimHost, type SimHost } from "../harness/sim";
import { ensureTestUser, type TestUser } from "../harness/ssh-user";
import { startSshd, type Sshd } from "../harness/sshd";
import { shellWords } from "../harness/shell-words";
import { faults, type RecordedCall } from "./fault-host";
import { seedRegistry } from "./seed";

let sim: SimHost;
let sshd: Sshd;
let user: TestUser;
let registry: string;
let key: { text: string; passphrase: string };
const progress: string[] = [];
const consoleOut: string[] = [];
const calls: RecordedCall[] = [];
let spies: jest.SpyInstance[] = [];

beforeAll(async () => {
  user = ensureTestUser();
  sim = await createSimHost({ installDelayMs: 1 });
  registry = join(sim.root, "etc", "zmgr");
  seedRegistry(registry, sim.zonesDir);
  sshd = await startSshd({ simRoot: sim.root });
  const passphrase = "Tr0ub4dor&3 horse battery";
  key = { text: sshd.authorizeNewKey("encrypted_ed25519", passphrase), passphrase };
  setProgressSink((l) => progress.push(l));
  spies = (["log", "info", "warn", "error", "debug"] as const).map((m) => jest.spyOn(console, m).mockImplementation((...a: unknown[]) => void consoleOut.push(a.map(String).join(" "))));
});
afterAll(async () => {
  spies.forEach((s) => s.mockRestore());
  await closeAllHosts();
  await sshd?.stop();
  sim?.remove();
});

const ssh = (extra: Record<string, unknown>): HostSpec => ({ ssh: { host: sshd.host, port: sshd.port, hostKey: sshd.hostPublicKey, ...extra } as never, registryRoot: registry });
const zone = (name: string, host: HostSpec, extra: Partial<ZoneInputs> = {}): ZoneInputs => ({ name, host, template: "ipkg", ...extra });
/** Runs `fn` recording every round trip it makes. */
async function recorded<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: Error }> {
  const scope = await faults.scope([], fn);
  calls.push(...scope.calls);
  return { result: scope.result, error: scope.error as Error | undefined };
}

describe("host keys", () => {
  test.each([
    ["a pinned key of another host", () => ssh({ user: sshd.user, privateKeyPath: sshd.clientKeyPath, hostKey: sshd.clientPublicKey }), /zmgr::ssh::host-key-mismatch/],
    ["a pinned fingerprint of another host", () => ssh({ user: sshd.user, privateKeyPath: sshd.clientKeyPath, hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }), /zmgr::ssh::host-key-mismatch/],
    ["known_hosts holding another key", () => ssh({ user: sshd.user, privateKeyPath: sshd.clientKeyPath, hostKey: undefined, knownHostsPath: knownHosts(`[127.0.0.1]:${sshd.port} ${sshd.clientPublicKey}`) }), /zmgr::ssh::host-key-mismatch/],
    ["known_hosts without the host", () => ssh({ user: sshd.user, privateKeyPath: sshd.clientKeyPath, hostKey: undefined, knownHostsPath: knownHosts("") }), /zmgr::ssh::host-key-unknown/],
  ])("%s: refused before logging in, nothing runs on the host", async (_label, host, code) => {
    const logins = (sshd.log().match(/Accepted /g) ?? []).length;
    const before = sim.log().length;
    const { error } = await recorded(() => zoneProvider.create(zone("mitm", host())));
    expect(error?.message).toMatch(code);
    expect(error?.message).toContain(sshd.hostKeyFingerprint); // names the key it was shown
    expect(error?.message).toMatch(/help: /);
    expect((sshd.log().match(/Accepted /g) ?? []).length).toBe(logins); // no authentication was even offered
    expect(sim.log().length).toBe(before);
  });
});

function knownHosts(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "zmgr-kh-"));
  writeFileSync(join(dir, "known_hosts"), text ? `${text}\n` : "");
  return join(dir, "known_hosts");
}

describe("secrets never leave the credentials", () => {
  /** Every secret of the test, and pieces of the key that must not appear either. */
  const secrets = () => [user.password, key.passphrase, ...key.text.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"))];

  test.each([
    ["a password (non-root login with sudo)", () => ssh({ user: user.name, password: user.password }), "sudo", () => user.password],
    ["a passphrase-protected key", () => ssh({ user: sshd.user, privateKey: key.text, passphrase: key.passphrase }), "none", () => key.passphrase],
  ] as const)("%s: create, a failing update, update, delete", async (_label, spec, privilege, own) => {
    const host = { ...spec(), privilege } as HostSpec;
    const name = privilege === "sudo" ? "pw" : "pp";
    const made = await recorded(() => zoneProvider.create(zone(name, host)));
    expect(made.error).toBeUndefined();
    const outs = (made.result as { outs: ZoneOutputs }).outs;
    // Outputs hold credentials only inside `host`, which the SDK stores as a secret (withSecretHost).
    const { host: _h, ...rest } = outs;
    for (const s of secrets()) expect(JSON.stringify(rest)).not.toContain(s);
    // A tool that prints the login's secret back: the error the engine shows has it masked.
    await sim.addFault({ cmd: "zonecfg -f", stderr: `zonecfg: cannot parse ${own()}`, exit: 1 });
    const failed = await recorded(() => zoneProvider.update!(name, outs, zone(name, host, { cpuShares: 7 })));
    await sim.clearFaults();
    expect(failed.error?.message).toMatch(/zonecfg: cannot parse \*\*\* \[zmgr::/);
    const updated = await recorded(() => zoneProvider.update!(name, outs, zone(name, host, { cpuShares: 7 })));
    expect(updated.error).toBeUndefined();
    const deleted = await recorded(() => zoneProvider.delete!(name, (updated.result as { outs: ZoneOutputs }).outs));
    expect(deleted.error).toBeUndefined();
    for (const s of secrets()) expect(failed.error!.message).not.toContain(s);
  });

  test("a wrong password or passphrase fails without echoing it", async () => {
    const wrong = [`${user.password}-wrong`, `${key.passphrase}-wrong`];
    const a = await recorded(() => zoneProvider.create(zone("badpw", ssh({ user: user.name, password: wrong[0] }))));
    const b = await recorded(() => zoneProvider.create(zone("badpp", ssh({ user: sshd.user, privateKey: key.text, passphrase: wrong[1] }))));
    expect(a.error?.message).toMatch(/zmgr::ssh::/);
    expect(b.error?.message).toMatch(/zmgr::ssh::bad-private-key/);
    for (const e of [a.error!, b.error!]) for (const s of [...wrong, ...secrets()]) expect(e.message).not.toContain(s);
  });

  test("nothing that left the process holds a secret: command lines and stdin, progress, console, the host's logs", () => {
    expect(calls.length).toBeGreaterThan(10);
    const haystacks: [string, string][] = [
      ["command lines and stdin sent to the host", calls.map((c) => `${c.argv.join(" ")}\n${c.stdin}`).join("\n")],
      ["progress lines", progress.join("\n")],
      ["console output", consoleOut.join("\n")],
      ["the simulator's command log", readFileSync(join(sim.root, "log", "commands.jsonl"), "utf8")],
      ["the sshd log", sshd.log()],
    ];
    for (const [where, text] of haystacks) for (const s of secrets()) expect({ where, found: text.includes(s) }).toEqual({ where, found: false });
    expect(progress.join("\n")).toMatch(/zmgr: zone pw: created/); // the progress really was captured
  });
});

describe("file modes", () => {
  test("registry files are 0644 and directories 0755, owned by root; nothing is writable by others", async () => {
    const host: HostSpec = ssh({ user: user.name, password: user.password });
    const made = await zoneProvider.create(zone("modes", { ...host, privilege: "sudo" }));
    expect(made.outs).toMatchObject({ state: "running" });
    const file = statSync(join(registry, "zones", "modes.kdl"));
    expect({ mode: (file.mode & 0o7777).toString(8), uid: file.uid }).toEqual({ mode: "644", uid: 0 });
    expect((statSync(join(registry, "zones")).mode & 0o7777).toString(8)).toBe("755");
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((e) => [join(dir, e), ...(statSync(join(dir, e)).isDirectory() ? walk(join(dir, e)) : [])]);
    expect(walk(registry).filter((p) => (statSync(p).mode & 0o002) !== 0)).toEqual([]);
    await zoneProvider.delete!("modes", made.outs as ZoneOutputs);
  });

  test("the lock's owner file is 0644 in a 0755 directory and holds no secret", async () => {
    const lock = await acquireRegistryLock(new LocalHost(), registry, { label: "mode check" });
    try {
      expect((statSync(join(registry, ".lock")).mode & 0o7777).toString(8)).toBe("755");
      expect((statSync(join(registry, ".lock", "owner")).mode & 0o7777).toString(8)).toBe("644");
      expect(readFileSync(join(registry, ".lock", "owner"), "utf8")).toMatch(/^token [0-9a-f]+\nlabel mode check\nhost .+\npid \d+\ntime \d{14}\n$/);
    } finally {
      await lock.release();
    }
  });

  test("a registry write's temporary file is 0600 while it is written, the result 0644 (the provider's own write script)", async () => {
    const write = calls.find((c) => c.step === "registry write");
    expect(write).toBeDefined();
    const [, , script] = shellWords(write!.argv.join(" "));
    expect(script).toContain(".zmgr-write.");
    const root = mkdtempSync(join(tmpdir(), "zmgr-tmpmode-"));
    try {
      // The script reads the file's content from stdin: keep stdin open and look at the directory meanwhile.
      const child = spawn("/bin/sh", ["-c", script!, "sh", root, "zones/probe.kdl", "create", "absent"], { stdio: ["pipe", "ignore", "pipe"] });
      child.stdin.write('zone "probe" {\n');
      let temp: string | undefined;
      for (let i = 0; i < 100 && !temp; i++) {
        await new Promise((r) => setTimeout(r, 20));
        temp = readdirSync(join(root, "zones"), { withFileTypes: true }).find((e) => e.name.startsWith(".zmgr-write."))?.name;
      }
      expect(temp).toBeDefined();
      expect((statSync(join(root, "zones", temp!)).mode & 0o777).toString(8)).toBe("600");
      child.stdin.end("}\n");
      expect(await new Promise((r) => child.on("close", r))).toBe(0);
      expect((statSync(join(root, "zones", "probe.kdl")).mode & 0o777).toString(8)).toBe("644");
      expect(readdirSync(join(root, "zones"))).toEqual(["probe.kdl"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
