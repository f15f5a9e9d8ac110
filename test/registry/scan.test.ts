// One-round-trip reads through LocalHost: framing, odd files, per-file errors, and typed reads of every kind.

import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseScanOutput, scanRegistry } from "../../provider/registry/scan";
import { readEntry, readRegistry, requireEntry } from "../../provider/registry/store";
import { hasCode } from "../../provider/errors";
import { LocalHost } from "../../provider/transport/local-host";
import { poolFile, put, SpyHost, tempRoot, zoneFile } from "./helpers";

let root: string;
let cleanup: () => void;
let host: SpyHost;
beforeEach(() => {
  ({ root, cleanup } = tempRoot());
  host = new SpyHost();
});
afterEach(() => cleanup());

describe("scanRegistry", () => {
  test("returns exact bytes: no final newline, CRLF, UTF-8, blank lines, leading spaces, backslashes", async () => {
    const texts: Record<string, string> = {
      "zones/a.kdl": 'zone "a" {}',
      "zones/b.kdl": 'zone "b" {\r\n  brand "ipkg"\r\n}\r\n',
      "zones/c.kdl": '// ✓ ünïcödé 日本\nzone "c" {}\n\n\n',
      "zones/d.kdl": '   \\n \\\\ "%s" $HOME `x` \t\nzone "d" {}\n',
      "zones/e.kdl": "",
    };
    put(root, texts);
    const files = await scanRegistry(host, root, { dirs: ["zones"] });
    expect(Object.fromEntries(files.map((f) => [f.rel, f.text]))).toEqual(texts);
    expect(files.every((f) => f.status === "ok")).toBe(true);
  });

  test("missing directories hold nothing, missing files are reported missing", async () => {
    const files = await scanRegistry(host, root, { files: ["config.kdl", "pools/x.kdl"], dirs: ["zones", "templates"] });
    expect(files).toEqual([
      { rel: "config.kdl", status: "missing" },
      { rel: "pools/x.kdl", status: "missing" },
    ]);
  });

  test("oversize files are reported without content and do not stop the others", async () => {
    put(root, { "zones/big.kdl": `zone "big" {}\n// ${"x".repeat(5000)}\n`, "zones/small.kdl": 'zone "small" {}\n', "zones/longline.kdl": "y".repeat(3000) });
    const files = await scanRegistry(host, root, { dirs: ["zones"] }, { maxFileBytes: 1024 });
    expect(files).toEqual([
      { rel: "zones/big.kdl", status: "oversize" },
      { rel: "zones/longline.kdl", status: "oversize" },
      { rel: "zones/small.kdl", status: "ok", text: 'zone "small" {}\n' },
    ]);
  });

  test("directories named *.kdl and dangling symlinks are not regular files; other names are skipped", async () => {
    put(root, { "zones/ok.kdl": 'zone "ok" {}\n', "zones/notes.txt": "ignored", "zones/.hidden.kdl": "ignored" });
    mkdirSync(join(root, "zones", "dir.kdl"));
    symlinkSync(join(root, "nowhere"), join(root, "zones", "dangling.kdl"));
    const files = await scanRegistry(host, root, { dirs: ["zones"] });
    expect(files).toEqual([
      { rel: "zones/dangling.kdl", status: "notfile" },
      { rel: "zones/dir.kdl", status: "notfile" },
      { rel: "zones/ok.kdl", status: "ok", text: 'zone "ok" {}\n' },
    ]);
  });

  test("a file name with a newline is reported, not misframed", async () => {
    put(root, { "zones/ok.kdl": 'zone "ok" {}\n' });
    writeFileSync(join(root, "zones", "we\nird.kdl"), 'zone "x" {}\n');
    const files = await scanRegistry(host, root, { dirs: ["zones"] });
    expect(files.map((f) => f.status).sort()).toEqual(["badname", "ok"]);
  });

  test("a file that is not the root's is not read (no .. escapes)", async () => {
    await expect(scanRegistry(host, root, { files: ["../x.kdl"] })).rejects.toMatchObject({ code: "zmgr::registry::name" });
    await expect(scanRegistry(host, "relative/root", { files: ["config.kdl"] })).rejects.toMatchObject({ code: "zmgr::registry::root" });
  });

  test("parseScanOutput rejects truncated or foreign output", () => {
    expect(() => parseScanOutput("\nM file a\nx\nM end ok", "M", "/r")).toThrow(expect.objectContaining({ code: "zmgr::registry::read", message: expect.stringMatching(/malformed/) }));
    expect(() => parseScanOutput("garbage", "M", "/r")).toThrow(/malformed/);
    expect(parseScanOutput("\nM file a\nx\nM end unreadable\nM over\n", "M", "/r")).toEqual([{ rel: "a", status: "unreadable" }]);
  });

  test("unreadable files and directories (as an unprivileged user)", async () => {
    put(root, { "zones/locked.kdl": 'zone "locked" {}\n', "zones/open.kdl": 'zone "open" {}\n', "pools/p.kdl": poolFile("p", "10.0.0.0/24") });
    chmodSync(join(root, "zones", "locked.kdl"), 0o000);
    chmodSync(join(root, "pools"), 0o311); // traversable, not listable
    const nobody = new LocalHost();
    const asNobody = {
      label: "nobody",
      run: (argv: readonly string[], o?: object) => nobody.run(process.getuid?.() === 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...argv] : argv, o),
      close: async () => undefined,
    };
    // the temp dirs above the root must be traversable by that user
    let dir = root;
    while (dir !== "/" && dir.includes("zmgr-reg-")) {
      chmodSync(dir, 0o755);
      dir = join(dir, "..");
    }
    const files = await scanRegistry(asNobody, root, { dirs: ["zones", "pools"] });
    expect(files).toEqual([
      { rel: "zones/locked.kdl", status: "unreadable" },
      { rel: "zones/open.kdl", status: "ok", text: 'zone "open" {}\n' },
      { rel: "pools/", status: "unreadable" },
    ]);
  });
});

describe("readRegistry", () => {
  const ALL_FILES = {
    "config.kdl": 'default-template "ipkg"\n',
    "pools/lan.kdl": poolFile("lan", "10.0.0.0/24"),
    "templates/ipkg.kdl": 'template "ipkg" {\n    brand "ipkg"\n}\n',
    "publishers/omnios.kdl": 'publisher "omnios" {\n    origin "https://pkg.omnios.org/r151046/core/"\n}\n',
    "zones/web.kdl": zoneFile("web", "10.0.0.10/24"),
    "zones/db.kdl": zoneFile("db", "10.0.0.11/24"),
  };

  test("reads every kind in one round trip", async () => {
    put(root, ALL_FILES);
    const snap = await readRegistry(host, root);
    expect(host.calls).toHaveLength(1);
    expect(snap.config?.model.defaultTemplate).toBe("ipkg");
    expect(snap.pools.get("lan")?.model.networks).toEqual(["10.0.0.0/24"]);
    expect(snap.templates.get("ipkg")?.model.brand).toBe("ipkg");
    expect(snap.publishers.get("omnios")?.model.origins).toHaveLength(1);
    expect([...snap.zones.keys()].sort()).toEqual(["db", "web"]);
    expect(snap.zones.get("web")?.path).toBe(`${root}/zones/web.kdl`);
    expect(snap.broken).toEqual([]);
  });

  test("reading 300 zone files is still one command", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`zones/z${i}.kdl`] = zoneFile(`z${i}`, `10.0.${i >> 8}.${i & 255}/16`);
    put(root, files);
    const snap = await readRegistry(host, root, { zones: true });
    expect(snap.zones.size).toBe(300);
    expect(host.calls).toHaveLength(1);
  });

  test("one broken zone file does not hide the others", async () => {
    put(root, {
      ...ALL_FILES,
      "zones/bad.kdl": 'zone "bad" {\n    address "10.0.0.12/24"\n    autoboot true\n}\n',
      "zones/wrong.kdl": zoneFile("other"),
      "zones/dup.kdl": 'zone "dup" {\n    vnic "a"\n    vnic "b"\n}\n',
    });
    const snap = await readRegistry(host, root, { zones: true });
    expect([...snap.zones.keys()].sort()).toEqual(["db", "web"]);
    const byName = Object.fromEntries(snap.broken.map((b) => [b.name, b]));
    expect(byName.bad?.error.code).toBe("zmgr::registry::parse");
    expect(byName.bad?.error.message).toMatch(new RegExp(`^${root}/zones/bad\\.kdl:3:`));
    expect(byName.bad?.text).toContain("10.0.0.12");
    expect(byName.wrong?.error.code).toBe("zmgr::registry::schema");
    expect(byName.dup?.error.details).toMatchObject({ path: `${root}/zones/dup.kdl`, line: 3, column: 5 });
  });

  test("oversize and unreadable files are broken entries with their codes", async () => {
    put(root, { "zones/big.kdl": `zone "big" {}\n//${"x".repeat(300)}\n`, "zones/ok.kdl": zoneFile("ok") });
    mkdirSync(join(root, "zones", "odd.kdl"));
    const snap = await readRegistry(host, root, { zones: true }, { maxFileBytes: 200 });
    expect(snap.zones.size).toBe(1);
    expect(snap.broken.map((b) => [b.name, b.error.code, b.text])).toEqual([
      ["big", "zmgr::registry::oversize", undefined],
      ["odd", "zmgr::registry::unreadable", undefined],
    ]);
    expect(snap.broken[0]!.error.message).toContain(`${root}/zones/big.kdl`);
  });

  test("a selection reads only the named files", async () => {
    put(root, ALL_FILES);
    const snap = await readRegistry(host, root, { pools: ["lan"], zones: ["web", "nope"] });
    expect([...snap.zones.keys()]).toEqual(["web"]);
    expect(snap.pools.size).toBe(1);
    expect(snap.config).toBeUndefined();
  });

  test("readEntry and requireEntry", async () => {
    put(root, { ...ALL_FILES, "zones/bad.kdl": "zone {" });
    expect((await readEntry(host, root, "pool", "lan"))?.model.stub).toBe("zstub0");
    expect((await readEntry(host, root, "config"))?.model.defaultTemplate).toBe("ipkg");
    expect(await readEntry(host, root, "zone", "missing")).toBeUndefined();
    await expect(requireEntry(host, root, "zone", "missing")).rejects.toMatchObject({ code: "zmgr::registry::not-found" });
    const err = await readEntry(host, root, "zone", "bad").catch((e: unknown) => e);
    expect(hasCode(err, "zmgr::registry::parse")).toBe(true);
    await expect(readEntry(host, root, "zone", "../etc")).rejects.toMatchObject({ code: "zmgr::registry::name" });
  });
});
