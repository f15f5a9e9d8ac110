// The `pulumi-zmgr` command line: argument errors name the flag and the fix (exit 2); discover locally and over the real
// sshd prints the table and the code (exit 0); host key verification stays on (exit 1 on a wrong or unknown key).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, UsageError } from "../../cli/args";
import { main } from "../../cli/main";
import { closeAllHosts } from "../../provider/transport/connect";
import { createSimHost, simEnv, type SimHost } from "../harness/sim";
import { startSshd, type Sshd } from "../harness/sshd";
import { makeZone, REGISTRY_FILES, writeRegistry } from "./handmade";

let sim: SimHost;
let sshd: Sshd;
let root: string;
let scratch: string;

beforeAll(async () => {
  sim = await createSimHost({ installDelayMs: 1 });
  Object.assign(process.env, simEnv(sim.root));
  root = join(sim.root, "etc", "zmgr");
  writeRegistry(root, REGISTRY_FILES(sim.zonesDir));
  await makeZone(sim, { name: "web", address: "10.0.0.50/24" });
  await makeZone(sim, { name: "vm", brand: "bhyve", address: "10.0.0.51/24" });
  sshd = await startSshd({ simRoot: sim.root });
  scratch = mkdtempSync(join(tmpdir(), "zmgr-cli-"));
}, 120_000);
afterAll(async () => {
  await closeAllHosts();
  await sshd?.stop();
  sim?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs the command in-process, capturing its output. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const usage = (argv: string[], env: NodeJS.ProcessEnv = { SSH_AUTH_SOCK: "/tmp/agent.sock" }) => {
  try {
    parseArgs(argv, env);
  } catch (e) {
    if (e instanceof UsageError) return `${e.message} | fix: ${e.fix}`;
    throw e;
  }
  return "no error";
};

test("argument errors name the flag and the fix", () => {
  expect(usage([])).toMatch(/^no command given \| fix: run `pulumi-zmgr discover --ssh root@HOST`/);
  expect(usage(["scan"])).toMatch(/^unknown command "scan" \| fix: the only command is `discover`/);
  expect(usage(["discover"])).toMatch(/^no host given \| fix: add --ssh root@HOST \(or --local/);
  expect(usage(["discover", "--local", "--ssh", "gz1"])).toMatch(/^--ssh and --local are both given/);
  expect(usage(["discover", "--ssh"])).toMatch(/^--ssh needs a value \| fix: write --ssh root@HOST$/);
  expect(usage(["discover", "--ssh", "gz1", "--bogus"])).toMatch(/^unknown option "--bogus" \| fix: see `pulumi-zmgr discover --help`/);
  expect(usage(["discover", "--ssh", "gz1", "--port", "99999"])).toMatch(/^--port must be a number from 1 to 65535, got "99999" \| fix: give the sshd port/);
  expect(usage(["discover", "--ssh", "gz1:22", "--port", "2222"])).toMatch(/^--port 2222 and --ssh \.\.\.:22 disagree/);
  expect(usage(["discover", "--ssh", "root@@gz1"])).toMatch(/^--ssh "root@@gz1" is not \[USER@\]HOST\[:PORT\]/);
  expect(usage(["discover", "--ssh", "gz1", "--privilege", "doas"])).toMatch(/^--privilege must be pfexec or sudo, got "doas"/);
  expect(usage(["discover", "--local", "--registry-root", "etc/zmgr"])).toMatch(/^--registry-root must be an absolute path/);
  expect(usage(["discover", "--local", "--host-key", "ssh-ed25519 AAAA"])).toMatch(/^--host-key is an SSH option but --local is given/);
  expect(usage(["discover", "--ssh", "gz1", "--identity", "/nonexistent/key"])).toMatch(/^--identity \/nonexistent\/key: no such file/);
  expect(usage(["discover", "--ssh", "gz1", "--json", "--json"])).toBe("no error");
  expect(usage(["discover", "--local", "--json=1"])).toMatch(/^--json takes no value/);
  expect(usage(["discover", "--ssh", "gz1", "--port", "22", "--port", "23"])).toMatch(/^--port is given twice/);
});

test("--ssh forms: user and port defaults, IPv6 in brackets, --flag=value; host key options pass through", () => {
  const parse = (...a: string[]) => {
    const c = parseArgs(["discover", ...a], { SSH_AUTH_SOCK: "/tmp/agent.sock" });
    if (c.kind !== "discover") throw new Error("not discover");
    return c.options;
  };
  expect(parse("--ssh", "gz1").host).toEqual({ ssh: { host: "gz1" } });
  expect(parse("--ssh=admin@[fd00::5]:2222", "--privilege", "pfexec", "--host-key", "SHA256:abc", "--registry-root", "/srv/zmgr").host).toEqual({
    ssh: { host: "fd00::5", port: 2222, user: "admin", hostKey: "SHA256:abc" },
    privilege: "pfexec",
    registryRoot: "/srv/zmgr",
  });
  expect(parse("--ssh", "gz1", "--declared", "lan, ipkg", "--retain-on-delete").declared).toEqual(new Set(["lan", "ipkg"]));
  expect(parse("--ssh", "gz1", "--declared", "all").declared).toBe("all");
  expect(usage(["discover", "--ssh", "gz1"], { HOME: "/nonexistent" })).toMatch(/^no SSH credentials/);
});

test("exit codes: 2 for a usage error (with the fix on stderr), 0 for --help and --version", async () => {
  const bad = await run("discover", "--ssh", "gz1", "--port", "x");
  expect(bad).toMatchObject({ code: 2, out: "" });
  expect(bad.err).toMatch(/^pulumi-zmgr: --port must be a number from 1 to 65535, got "x"\n {2}fix: give the sshd port/);
  const help = await run("--help");
  expect(help).toMatchObject({ code: 0, err: "" });
  expect(help.out).toMatch(/^usage: pulumi-zmgr discover \(--ssh \[USER@\]HOST\[:PORT\] \| --local\)/);
  expect(help.out).toMatch(/Exit codes: 0 done, 1 failed .*, 2 usage error/);
  expect((await run("--version")).out).toMatch(/^\d+\.\d+\.\d+\n$/);
});

test("discover --local prints the table as comments followed by the code, and --json the report", async () => {
  const r = await run("discover", "--local", "--registry-root", root);
  expect(r).toMatchObject({ code: 0, err: "" });
  expect(r.out).toMatch(/^\/\/ Generated by `pulumi-zmgr discover`/);
  expect(r.out).toMatch(/\n\/\/ web +lipkg +running +10\.0\.0\.50\/24 +lan +lipkg +none +adopt\n/);
  expect(r.out).toMatch(/\n\/\/ vm +bhyve +running .*skipped \(vm-manager\)\n/);
  expect(r.out).toContain("\n//     pulumi config set zmgr:local true\n");
  expect(r.out).toContain('\nimport * as zmgr from "pulumi-zmgr";\n');
  expect(r.out).toContain('const webZone = new zmgr.Zone("web", {');
  const j = await run("discover", "--local", "--registry-root", root, "--json");
  expect(j.code).toBe(0);
  const report = JSON.parse(j.out) as { zones: { name: string; status: string }[]; registrySnapshot?: unknown };
  expect(report.zones.map((z) => `${z.name}:${z.status}`)).toEqual(["web:adoptable", "vm:vm"]);
  expect(report.registrySnapshot).toBeUndefined();
});

test("over SSH: a pinned host key or known_hosts entry works; a wrong or unknown key fails with exit 1 and nothing is read", async () => {
  const target = `${sshd.user}@${sshd.host}:${sshd.port}`;
  const ok = await run("discover", "--ssh", target, "--identity", sshd.clientKeyPath, "--host-key", sshd.hostPublicKey, "--registry-root", root);
  expect(ok.err).toBe("");
  expect(ok.code).toBe(0);
  expect(ok.out).toMatch(new RegExp(`// Zones on ${sshd.user}@${sshd.host}:${sshd.port} \\(registry `));
  const knownHosts = join(scratch, "known_hosts");
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  expect((await run("discover", "--ssh", target, "--identity", sshd.clientKeyPath, "--known-hosts", knownHosts, "--registry-root", root)).code).toBe(0);

  const before = sim.log().length;
  const wrong = await run("discover", "--ssh", target, "--identity", sshd.clientKeyPath, "--host-key", "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "--registry-root", root);
  expect(wrong.code).toBe(1);
  expect(wrong.out).toBe("");
  expect(wrong.err).toContain(sshd.hostKeyFingerprint);
  const empty = join(scratch, "empty_known_hosts");
  writeFileSync(empty, "");
  const unknown = await run("discover", "--ssh", target, "--identity", sshd.clientKeyPath, "--known-hosts", empty, "--registry-root", root);
  expect(unknown.code).toBe(1);
  expect(unknown.err).toContain(sshd.hostKeyFingerprint);
  expect(sim.log().length).toBe(before);
}, 60_000);

test("a zone whose configuration cannot be read is reported, the others still are; a host where zoneadm fails is exit 1", async () => {
  await sim.addFault({ cmd: "zonecfg info", zone: "web", stderr: "zonecfg: could not get handle", exit: 1, repeat: true });
  try {
    const r = await run("discover", "--local", "--registry-root", root);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n\/\/ web +lipkg +running +- .*not adoptable\n\/\/ {5}- its configuration could not be read: `zonecfg -z web info` failed on local with exit code 1: zonecfg: could not get handle\n/);
    expect(r.out).toMatch(/\n\/\/ vm +bhyve /);
  } finally {
    await sim.clearFaults();
  }
  await sim.addFault({ cmd: "zoneadm list", stderr: "zoneadm: permission denied", exit: 1, repeat: true });
  try {
    const r = await run("discover", "--local", "--registry-root", root);
    expect(r).toMatchObject({ code: 1, out: "" });
    expect(r.err).toMatch(/^pulumi-zmgr: listing the zones of local failed \[zmgr::discover::scan\]\nhelp: check that the host is an illumos global zone/);
    expect(r.err).toContain("caused by: `zoneadm list -cp` failed on local with exit code 1: zoneadm: permission denied");
  } finally {
    await sim.clearFaults();
  }
});
