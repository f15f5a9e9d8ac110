// Typed writes through LocalHost: atomic, 0644, read-modify-write that keeps hand edits, never over a broken file.

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Pool, Zone } from "../../provider/registry/models";
import { deleteEntry, readRegistry, updateEntry, writeEntry } from "../../provider/registry/store";
import { deleteRegistryFile, writeRegistryFile, writeStep } from "../../provider/registry/write";
import { LocalHost } from "../../provider/transport/local-host";
import { put, shells, ShellHost, SpyHost, tempRoot, zoneFile } from "./helpers";

let root: string;
let cleanup: () => void;
let host: SpyHost;
beforeEach(() => {
  ({ root, cleanup } = tempRoot());
  host = new SpyHost();
});
afterEach(() => cleanup());

const WEB: Zone = { name: "web", brand: "ipkg", zonepath: "/zones/web", pool: "lan", addresses: ["10.0.0.10/24"], vnic: "web0" };
const mode = (p: string) => statSync(p).mode & 0o777;

test("a new file is created 0644 in a 0755 directory, with no temporary file left", async () => {
  const entry = await writeEntry(host, root, "zone", WEB);
  const path = join(root, "zones", "web.kdl");
  expect(entry.path).toBe(path);
  expect(readFileSync(path, "utf8")).toBe(entry.text);
  expect(mode(path)).toBe(0o644);
  expect(mode(join(root, "zones"))).toBe(0o755);
  expect(readdirSync(join(root, "zones"))).toEqual(["web.kdl"]);
});

test("an edit keeps the hand-written comments and unknown nodes, and an unchanged model writes nothing", async () => {
  const hand = `// hand-made\nzone "web" {\n    brand "ipkg" // by hand\n    address "10.0.0.10/24"\n    rctl "zone.max-lwps" {\n        limit 2000\n    }\n}\n`;
  put(root, { "zones/web.kdl": hand });
  await updateEntry(host, root, "zone", "web", (z) => ({ ...z!, vnic: "web0" }));
  expect(readFileSync(join(root, "zones/web.kdl"), "utf8")).toBe(hand.replace('    rctl "zone.max-lwps"', '    vnic "web0"\n    rctl "zone.max-lwps"'));
  host.calls = [];
  await updateEntry(host, root, "zone", "web", (z) => z);
  expect(host.calls).toHaveLength(1); // the read only
});

test("a file that does not parse is never overwritten or deleted", async () => {
  const broken = 'zone "web" {\n    brand "ipkg"\n';
  put(root, { "zones/web.kdl": broken });
  await expect(writeEntry(host, root, "zone", WEB)).rejects.toMatchObject({ code: "zmgr::registry::parse", details: { path: join(root, "zones/web.kdl") } });
  await expect(updateEntry(host, root, "zone", "web", () => null)).rejects.toMatchObject({ code: "zmgr::registry::parse" });
  expect(readFileSync(join(root, "zones/web.kdl"), "utf8")).toBe(broken);
});

test("a change made between our read and our write is kept: the write is retried from the new text", async () => {
  put(root, { "zones/web.kdl": zoneFile("web", "10.0.0.10/24") });
  let raced = false;
  host.before = (argv) => {
    if (!raced && argv.includes("replace")) {
      raced = true;
      writeFileSync(join(root, "zones/web.kdl"), zoneFile("web", "10.0.0.10/24").replace("}\n", '    comment "added by zmgr"\n}\n'));
    }
  };
  await updateEntry(host, root, "zone", "web", (z) => ({ ...z!, vnic: "web0" }));
  const text = readFileSync(join(root, "zones/web.kdl"), "utf8");
  expect(raced).toBe(true);
  expect(text).toContain('comment "added by zmgr"');
  expect(text).toContain('vnic "web0"');
});

test("conflicts: create-only on an existing file, and a file that keeps changing", async () => {
  put(root, { "zones/web.kdl": zoneFile("web") });
  await expect(writeEntry(host, root, "zone", WEB, { createOnly: true })).rejects.toMatchObject({ code: "zmgr::registry::conflict" });
  await expect(writeRegistryFile(host, root, "zones/web.kdl", "x", "absent")).rejects.toMatchObject({ code: "zmgr::registry::conflict" });
  let n = 0;
  host.before = (argv) => {
    if (argv.includes("replace")) writeFileSync(join(root, "zones/web.kdl"), zoneFile("web") + `// ${n++}\n`);
  };
  await expect(updateEntry(host, root, "zone", "web", (z) => ({ ...z!, vnic: "x" }), { attempts: 2 })).rejects.toMatchObject({ code: "zmgr::registry::conflict" });
  expect(n).toBe(2);
});

test.each([
  ["chmod", 0o600],
  ["mv", 0o644],
])("a crash at %s leaves the old file; the temporary file was private while written and is never read", async (tool, tempMode) => {
  put(root, { "zones/web.kdl": zoneFile("web", "10.0.0.10/24") });
  const stubs = join(root, "..", "stubs");
  mkdirSync(stubs);
  writeFileSync(join(stubs, tool), "#!/bin/sh\nkill -9 $PPID\n");
  chmodSync(join(stubs, tool), 0o755);
  const crashing = new LocalHost({ env: { PATH: `${stubs}:${process.env.PATH}` } });
  await expect(updateEntry(crashing, root, "zone", "web", (z) => ({ ...z!, vnic: "web0" }))).rejects.toMatchObject({ code: "zmgr::registry::write" });
  expect(readFileSync(join(root, "zones/web.kdl"), "utf8")).toBe(zoneFile("web", "10.0.0.10/24"));
  const temps = readdirSync(join(root, "zones")).filter((f) => f.startsWith(".zmgr-write."));
  expect(temps).toHaveLength(1);
  expect(mode(join(root, "zones", temps[0]!))).toBe(tempMode);
  expect(readFileSync(join(root, "zones", temps[0]!), "utf8")).toContain('vnic "web0"');
  const snap = await readRegistry(host, root, { zones: true });
  expect([...snap.zones.keys()]).toEqual(["web"]);
  expect(snap.zones.get("web")?.model.vnic).toBeUndefined();
  expect(snap.broken).toEqual([]);
});

test("a write into a read-only place is zmgr::registry::write with the reason", async () => {
  writeFileSync(join(root, "zones"), "a file where the directory should be");
  const err = await writeEntry(host, root, "zone", WEB).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: "zmgr::registry::write" });
  expect((err as Error).message).toContain(join(root, "zones/web.kdl"));
});

test("a model whose name differs from the file is refused", async () => {
  put(root, { "zones/web.kdl": zoneFile("web") });
  await expect(updateEntry(host, root, "zone", "web", (z) => ({ ...z!, name: "other" }))).rejects.toMatchObject({ code: "zmgr::registry::invalid" });
});

test("delete: only when unchanged, and a missing file is fine", async () => {
  const text = zoneFile("web");
  put(root, { "zones/web.kdl": text });
  await expect(deleteEntry(host, root, "zone", "web", "something else")).rejects.toMatchObject({ code: "zmgr::registry::conflict" });
  expect(existsSync(join(root, "zones/web.kdl"))).toBe(true);
  await deleteEntry(host, root, "zone", "web", text);
  expect(existsSync(join(root, "zones/web.kdl"))).toBe(false);
  await deleteRegistryFile(host, root, "zones/web.kdl");
});

test("config and every named kind write and read back", async () => {
  const pool: Pool = { name: "lan", networks: ["10.0.0.0/24"], gateways: ["10.0.0.1"], stub: "zstub0", ranges: [{ start: "10.0.0.10", end: "10.0.0.200" }], excludes: [{ from: "10.0.0.64/28" }] };
  await writeEntry(host, root, "config", { defaultTemplate: "ipkg" });
  await writeEntry(host, root, "pool", pool);
  await writeEntry(host, root, "template", { name: "ipkg", brand: "ipkg", autoboot: true, pool: "lan", ipType: "exclusive", zonepathPrefix: "/zones", publishers: ["openindiana.org"] });
  await writeEntry(host, root, "publisher", { name: "openindiana.org", origins: ["https://pkg.openindiana.org/hipster/"] });
  await writeEntry(host, root, "zone", WEB);
  const snap = await readRegistry(host, root);
  expect(snap.broken).toEqual([]);
  expect(snap.config?.model.defaultTemplate).toBe("ipkg");
  expect(snap.pools.get("lan")?.model).toMatchObject(pool);
  expect(snap.templates.get("ipkg")?.model).toMatchObject({ autoboot: true, publishers: ["openindiana.org"] });
  expect(snap.publishers.get("openindiana.org")?.model.origins).toEqual(["https://pkg.openindiana.org/hipster/"]);
  expect(snap.zones.get("web")?.model).toMatchObject(WEB);
});

describe.each(shells())("the scripts under %s", (shell) => {
  test("write, edit, scan, delete", async () => {
    const sh = new ShellHost(shell);
    put(root, { "zones/odd.kdl": 'zone "odd" {}' });
    await writeEntry(sh, root, "zone", WEB);
    await updateEntry(sh, root, "zone", "web", (z) => ({ ...z!, vnic: "w1" }));
    const snap = await readRegistry(sh, root, { zones: true });
    expect(snap.zones.get("web")?.model.vnic).toBe("w1");
    expect(snap.zones.get("odd")?.text).toBe('zone "odd" {}');
    await deleteEntry(sh, root, "zone", "web", snap.zones.get("web")!.text);
    expect(readdirSync(join(root, "zones"))).toEqual(["odd.kdl"]);
  });

  test("content carried in the argv (no stdin) is written byte for byte", async () => {
    const sh = new ShellHost(shell);
    const texts = ["", "no newline", "%s %d %% \\n \\ $HOME `id` $(id) '\"", "-n\n-e\n", "line\n\n\ttabs  \n", "ünïcödé ✓ 𝄞\n", "x".repeat(100_000)];
    for (const [i, text] of texts.entries()) {
      const write = writeStep(sh, root, `zones/t${i}.kdl`, "absent", text);
      expect(write.step.stdin).toBeUndefined();
      write.check(await sh.run(write.step.argv));
      expect(readFileSync(join(root, "zones", `t${i}.kdl`), "utf8")).toBe(text);
      expect(mode(join(root, "zones", `t${i}.kdl`))).toBe(0o644);
    }
  });
});
