// Closure serialization: state written with pulumi-zmgr 0.1.0 keeps working after an upgrade to 0.1.1, and the
// upgraded code is what runs (the serialized provider requires the package by path; it does not carry old code).

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { e2eProject, type E2eProject } from "./project";

let p: E2eProject;
beforeAll(async () => {
  p = await e2eProject("basic", { zones: "1" });
}, 600_000);
afterAll(async () => {
  await p?.close();
});

/** Turns the installed package into a patch release whose progress lines carry a marker. */
function upgradeToPatch(): void {
  const pkg = join(p.dir, "node_modules", "pulumi-zmgr");
  const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as { version: string };
  manifest.version = "0.1.1";
  writeFileSync(join(pkg, "package.json"), JSON.stringify(manifest, null, 2));
  const progress = join(pkg, "dist", "provider", "operations", "progress.js");
  const code = readFileSync(progress, "utf8");
  const patched = code.replace("`zmgr: ${kind} ${name}: ${message}`", "`zmgr 0.1.1: ${kind} ${name}: ${message}`");
  expect(patched).not.toBe(code);
  writeFileSync(progress, patched);
}

test("the state names the provider module by package path, with no copy of our code", async () => {
  await p.stack.ok(["up", "--yes", "--skip-preview"]);
  const { json } = await p.stack.exportState();
  const zone = (json.deployment.resources ?? []).find((r) => r.type === "pulumi-nodejs:dynamic/zmgr:Zone")!;
  const provider = String(zone.outputs!.__provider);
  expect(provider).toContain('require("pulumi-zmgr/dist/provider/dynamic/zone-provider.js")');
  expect(provider).not.toContain("claimAddress"); // none of the implementation is serialized
  expect(provider.length).toBeLessThan(20_000);
}, 300_000);

test("after a patch upgrade, refresh and destroy of the old state run the new code", async () => {
  upgradeToPatch();
  await p.stack.ok(["refresh", "--yes", "--skip-preview"]);
  await p.stack.ok(["preview", "--expect-no-changes"]);
  const destroy = await p.stack.ok(["destroy", "--yes", "--skip-preview"]);
  expect(destroy.stdout).toMatch(/zmgr 0\.1\.1: zone web0: halting/);
  expect(destroy.stdout).toMatch(/- 5 deleted/);
}, 300_000);
