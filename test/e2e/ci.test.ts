// examples/ci/deploy.sh run as CI runs it: no stdin, the SSH key and host key only in the environment.

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { hermeticEnv, repoRoot } from "../harness/pulumi";
import { e2eProject, type E2eProject } from "./project";

let p: E2eProject;
beforeAll(async () => {
  p = await e2eProject("basic", {}, { hostConfig: false });
}, 600_000);
afterAll(async () => {
  await p?.close();
});

function deploy(mode: string) {
  const env = {
    ...hermeticEnv(p.stack.stateDir),
    STACK: p.stack.stack,
    ZMGR_HOST: p.sshd.host,
    ZMGR_PORT: String(p.sshd.port),
    ZMGR_USER: p.sshd.user,
    ZMGR_PRIVATE_KEY: p.sshd.clientKey,
    ZMGR_HOST_KEY: p.sshd.hostPublicKey,
    ZMGR_REGISTRY_ROOT: p.registry,
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
  const r = spawnSync("bash", [join(repoRoot, "examples", "ci", "deploy.sh"), mode], { cwd: p.dir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test("preview, up and destroy with the key only in the environment; the key never reaches config or state", async () => {
  const preview = deploy("preview");
  expect(preview.out).toMatch(/\+ 6 to create/);
  expect(preview.code).toBe(0);
  const up = deploy("up");
  expect(up.out).toMatch(/\+ 6 created/);
  expect(up.code).toBe(0);
  const { text } = await p.stack.exportState();
  const keyBody = p.sshd.clientKey.split("\n").filter((l) => l && !l.startsWith("-----")).join("");
  expect(text).not.toContain(keyBody.slice(0, 32));
  const config = spawnSync("cat", [join(p.dir, `Pulumi.${p.stack.stack}.yaml`)], { encoding: "utf8" }).stdout;
  expect(config).not.toMatch(/zmgr:/); // nothing about the host went into the stack config
  expect(text).not.toMatch(/zmgr:privateKey/);
  expect(up.out).not.toContain(keyBody.slice(0, 32));
  const destroy = deploy("destroy");
  expect(destroy.out).toMatch(/- 6 deleted/);
  expect(destroy.code).toBe(0);
}, 600_000);

test("a missing secret fails at once with the variable to set", () => {
  const r = spawnSync("bash", [join(repoRoot, "examples", "ci", "deploy.sh"), "up"], { cwd: p.dir, env: { PATH: process.env.PATH!, STACK: "x", ZMGR_HOST: "h" }, encoding: "utf8" });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/ZMGR_PRIVATE_KEY: set ZMGR_PRIVATE_KEY \(a CI secret\)/);
});
