// Four separate processes claim 50 addresses each from one pool on one host (LocalHost): 200 distinct addresses, 200 zone files, nothing lost.

import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { savePool } from "../../provider/ipam/pool-store";
import { readRegistry } from "../../provider/registry/store";
import { LocalHost } from "../../provider/transport/local-host";
import { tempRoot } from "../registry/helpers";

const REPO = resolve(__dirname, "../..");
let out: string;
let root: string;
let cleanup: () => void;

beforeAll(() => {
  // Compile the worker and what it imports (not the whole tree) with the repo's compiler settings.
  out = mkdtempSync(join(tmpdir(), "zmgr-conc-"));
  const tsconfig = join(out, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(REPO, "tsconfig.json"),
      compilerOptions: { outDir: join(out, "dist"), rootDir: REPO, typeRoots: [join(REPO, "node_modules/@types")], noEmit: false, declaration: false, sourceMap: false, types: ["node"] },
      files: [join(REPO, "test/ipam/concurrency-worker.ts")],
      include: [],
    }),
  );
  execFileSync(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", tsconfig], { stdio: "inherit" });
  ({ root, cleanup } = tempRoot());
}, 120_000);

afterAll(() => {
  cleanup?.();
  rmSync(out, { recursive: true, force: true });
});

test("4 processes × 50 claims: 200 distinct addresses, 200 zone files, no lock left", async () => {
  const host = new LocalHost();
  await savePool(host, root, { name: "big", networks: ["10.20.0.0/23"], gateways: ["10.20.0.1"], stub: "zstub0", ranges: [{ start: "10.20.0.10", end: "10.20.1.250" }] });
  const worker = join(out, "dist/test/ipam/concurrency-worker.js");
  const run = promisify(execFile);
  const env = { ...process.env, NODE_PATH: join(REPO, "node_modules") };
  const results = await Promise.all([0, 1, 2, 3].map((id) => run(process.execPath, [worker, root, String(id), "50", "big"], { env, maxBuffer: 1 << 20 })));
  const claimed: Record<string, string> = Object.assign({}, ...results.map((r) => JSON.parse(r.stdout) as Record<string, string>));

  const addresses = Object.values(claimed);
  expect(addresses).toHaveLength(200);
  expect(new Set(addresses).size).toBe(200);
  // lowest-first allocation under the lock: exactly the first 200 addresses of the range
  const expected = Array.from({ length: 200 }, (_, i) => `10.20.${(10 + i) >> 8}.${(10 + i) & 255}/23`);
  expect([...addresses].sort()).toEqual([...expected].sort());

  const files = readdirSync(join(root, "zones"));
  expect(files).toHaveLength(200); // no temporary files either
  const snap = await readRegistry(host, root, { zones: true });
  expect(snap.broken).toEqual([]);
  for (const [name, address] of Object.entries(claimed)) expect(snap.zones.get(name)?.model.addresses).toEqual([address]);
  expect(readFileSync(join(root, "zones", "w0-0.kdl"), "utf8")).toMatch(/^zone "w0-0" \{\n {4}brand "ipkg"\n {4}pool "big"\n {4}address "10\.20\.\d+\.\d+\/23"\n\}\n$/);
  expect(existsSync(join(root, ".lock"))).toBe(false);
  expect(readdirSync(root).sort()).toEqual(["pools", "zones"]);
}, 120_000);
