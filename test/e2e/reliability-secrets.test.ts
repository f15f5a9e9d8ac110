// Credentials as resource inputs with the real CLI: a passphrase-protected private key, its passphrase and a password
// given to every Zone's `host` as secrets. After `up` and `destroy`, none of them is in the exported state, the CLI's
// output, the host's sshd log or the simulator's command log; the state holds `host` only as a secret.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { e2eProject, type E2eProject } from "./project";
import { seedRegistry } from "../reliability/seed";

const SECRET_MARKER = "4dabf18193072939515e22adb298388d"; // Pulumi's signature key of a secret value in state
const passphrase = "correct horse battery staple 7#";
const password = "Pa55-w0rd that must never show";
let p: E2eProject;
let key: string;

beforeAll(async () => {
  p = await e2eProject("reliability", {}, { hostConfig: false });
  seedRegistry(p.registry, p.sim.zonesDir);
  key = p.sshd.authorizeNewKey("secret_ed25519", passphrase);
  const config: [string, string, boolean?][] = [
    ["zones", "2"],
    ["prefix", "s"],
    ["hostInput", "true"],
    ["sshHost", p.sshd.host],
    ["sshPort", String(p.sshd.port)],
    ["sshUser", p.sshd.user],
    ["sshHostKey", p.sshd.hostPublicKey],
    ["registryRoot", p.registry],
    ["sshKey", key, true],
    ["sshPassphrase", passphrase, true],
    ["sshPassword", password, true],
  ];
  for (const [k, v, secret] of config) await p.stack.setConfig(k, v, secret);
}, 600_000);
afterAll(async () => {
  await p?.close();
});

/** Every secret, and pieces of the key long enough to be unmistakable. */
const secrets = () => [passphrase, password, ...key.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"))];

/** Where a secret was found among `haystacks`, as `where: secret prefix` lines (none expected). */
function leaks(haystacks: Record<string, string>): string[] {
  return Object.entries(haystacks).flatMap(([where, text]) => secrets().filter((s) => text.includes(s)).map((s) => `${where}: ${s.slice(0, 6)}…`));
}

test("up and destroy with key, passphrase and password as secret inputs: none of them in state, output or host logs", async () => {
  const up = await p.stack.up();
  expect(`${up.code}\n${up.stdout}${up.stderr}`).toMatch(/^0\n/);
  expect(up.stdout).toMatch(/\+ 3 created/);
  const { text, json } = await p.stack.exportState();
  const zones = (json.deployment.resources ?? []).filter((r) => r.type === "pulumi-nodejs:dynamic/zmgr:Zone");
  expect(zones).toHaveLength(2);
  for (const z of zones) {
    // The host (with its credentials) is stored as a secret, in inputs and outputs alike.
    expect(JSON.stringify((z.outputs as Record<string, unknown>).host)).toContain(SECRET_MARKER);
    expect(JSON.stringify((z.inputs as Record<string, unknown>).host)).toContain(SECRET_MARKER);
  }
  const destroy = await p.stack.destroy();
  expect(`${destroy.code}\n${destroy.stdout}${destroy.stderr}`).toMatch(/^0\n/);
  expect(
    leaks({
      "exported state": text,
      "up output": up.stdout + up.stderr,
      "destroy output": destroy.stdout + destroy.stderr,
      "sshd log": p.sshd.log(),
      "simulator command log": readFileSync(join(p.sim.root, "log", "commands.jsonl"), "utf8"),
    }),
  ).toEqual([]);
  expect(p.sshd.log()).toMatch(/Accepted publickey for/); // the protected key really was used
}, 600_000);
