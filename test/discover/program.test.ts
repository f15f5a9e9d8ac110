// The program plan and its TypeScript (pure): registry entries declared so that adopt matches, references, names, options;
// the generated code type-checks against the SDK.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as ts from "typescript";
import { buildReport } from "../../provider/discover/discover";
import { renderProgram } from "../../provider/discover/program-code";
import { planProgram, Ref } from "../../provider/discover/program-plan";
import type { DiscoveryReport } from "../../provider/discover/report";
import { parseZoneadmLine } from "../../provider/illumos/zoneadm";
import { parseZonecfgInfo } from "../../provider/illumos/zonecfg-parse";
import { poolModel, type PoolInputs } from "../../provider/operations/pool-ops";
import { templateModel } from "../../provider/operations/template-ops";
import { decodeScan } from "../../provider/registry/store";

const ROOT = "/etc/zmgr";

/** `zonecfg info` text of an exclusive-IP zone with one net. */
function info(name: string, brand: string, address: string, extra = "", defrouter = "10.0.0.1"): string {
  return [
    `zonename: ${name}`, `zonepath: /zones/${name}`, `brand: ${brand}`, "autoboot: true", "bootargs: ", "pool: ", "limitpriv: default", "scheduling-class: ", "ip-type: exclusive", "hostid: ", "fs-allowed: ",
    extra,
    "net:", "\taddress not specified", `\tallowed-address: ${address}`, `\tdefrouter: ${defrouter}`, "\tglobal-nic not specified", "\tmac-addr not specified", `\tphysical: ${name.replace(/[^A-Za-z0-9]/g, "_").replace(/^(\d)/, "z$1")}0`, "\tvlan-id not specified", "",
  ].filter((l) => l !== "").join("\n") + "\n";
}

const FILES: Record<string, string> = {
  "pools/lan.kdl": 'pool "lan" {\n    network "10.0.0.0/24"\n    network "fd00:1::/64"\n    gateway "10.0.0.1"\n    gateway "fd00:1::1"\n    stub "zstub0"\n    range "10.0.0.10" "10.0.0.200"\n    range "fd00:1::100" "fd00:1::1ff"\n    exclude "10.0.0.7"\n    exclude "10.0.0.20" "10.0.0.29"\n}\n',
  "pools/v6first.kdl": 'pool "v6first" {\n    network "fd00:2::/64"\n    network "10.9.0.0/24"\n    gateway "10.9.0.1"\n    stub "zstub0"\n}\n',
  "publishers/omnios.kdl": 'publisher "omnios" {\n    origin "https://pkg.omnios.org/r151054/core/"\n    mirror "https://mirror.example.org/core/"\n}\n',
  "publishers/extra.omnios.kdl": 'publisher "extra.omnios" {\n    origin "https://pkg.omnios.org/r151054/extra/"\n}\n',
  "templates/lipkg.kdl": 'template "lipkg" {\n    brand "lipkg"\n    autoboot #true\n    pool "lan"\n    zonepath-prefix "/zones"\n    publisher "omnios"\n    publisher "extra.omnios"\n}\n',
};

function reportOf(zones: { line: string; info: string }[], files = FILES): DiscoveryReport {
  const registry = decodeScan(ROOT, Object.entries(files).map(([rel, text]) => ({ rel, status: "ok" as const, text })));
  expect(registry.broken).toEqual([]);
  return buildReport({ zones: zones.map((z) => ({ entry: parseZoneadmLine(z.line), config: parseZonecfgInfo(z.info), error: undefined })), registry }, "test", ROOT);
}

const web = { line: "1:web-1:running:/zones/web-1:u1:lipkg:excl:3", info: info("web-1", "lipkg", "10.0.0.50/24", "[cpu-shares: 10]\n") };
const lan = { line: "2:lan:running:/zones/lan:u2:lipkg:excl:4", info: info("lan", "lipkg", "10.0.0.51/24") };
const third = { line: "-:1st:installed:/zones/1st:u3:lipkg:excl:5", info: info("1st", "lipkg", "10.9.0.5/24", "", "10.9.0.1") };

test("registry entries are declared with adopt: true and inputs that write exactly their files (dual-stack pool, exclusions, mirrors)", () => {
  const plan = planProgram(reportOf([web]));
  expect(plan.resources.map((r) => `${r.kind}:${r.name}:${r.variable}`)).toEqual([
    "publisher:extra.omnios:extraOmniosPublisher",
    "publisher:omnios:omniosPublisher",
    "pool:lan:lanPool",
    "template:lipkg:lipkgTemplate",
    "zone:web-1:web1Zone",
  ]);
  const pool = plan.resources.find((r) => r.kind === "pool")!;
  expect(pool.args).toEqual({
    network: "10.0.0.0/24",
    gateway: "10.0.0.1",
    stub: "zstub0",
    rangeStart: "10.0.0.10",
    rangeEnd: "10.0.0.200",
    exclude: ["10.0.0.7", "10.0.0.20-10.0.0.29"],
    ipv6: { network: "fd00:1::/64", gateway: "fd00:1::1", rangeStart: "fd00:1::100", rangeEnd: "fd00:1::1ff" },
    adopt: true,
  });
  const file = reportOf([web]).registrySnapshot.pools.get("lan")!.model;
  expect(poolModel({ name: "lan", ...(pool.args as unknown as Omit<PoolInputs, "name">) })).toEqual({ name: "lan", networks: file.networks, gateways: file.gateways, stub: file.stub, ranges: file.ranges, excludes: file.excludes });
  const template = plan.resources.find((r) => r.kind === "template")!;
  expect(template.args).toEqual({ brand: "lipkg", autoboot: true, pool: new Ref("lanPool", "name"), zonepathPrefix: "/zones", publishers: [new Ref("omniosPublisher", "name"), new Ref("extraOmniosPublisher", "name")], adopt: true });
  expect(templateModel({ name: "lipkg", ...(template.args as object), pool: "lan", publishers: ["omnios", "extra.omnios"] } as never)).toMatchObject({ brand: "lipkg", autoboot: true, pool: "lan", zonepathPrefix: "/zones", publishers: ["omnios", "extra.omnios"] });
  expect(plan.resources.find((r) => r.kind === "publisher" && r.name === "omnios")!.args).toEqual({ origins: ["https://pkg.omnios.org/r151054/core/"], mirrors: ["https://mirror.example.org/core/"], adopt: true });
  expect(plan.resources.at(-1)!.args).toMatchObject({ template: new Ref("lipkgTemplate"), pool: new Ref("lanPool", "name"), address: "10.0.0.50/24", cpuShares: 10, adopt: true });
});

test("a pool file that lists IPv6 first is referenced by name, with a note, not declared wrongly", () => {
  const plan = planProgram(reportOf([third]));
  expect(plan.resources.filter((r) => r.kind === "pool")).toEqual([]);
  expect(plan.notes).toEqual([expect.stringMatching(/^pool v6first: .*IPv4 first, then IPv6.*referenced by name/)]);
  expect(plan.resources.find((r) => r.kind === "zone")!.args).toMatchObject({ pool: "v6first", template: new Ref("lipkgTemplate") });
});

test("--declared: named entries (or all) are referenced by name instead of declared", () => {
  const some = planProgram(reportOf([web]), { declared: new Set(["lan", "omnios"]) });
  expect(some.resources.map((r) => r.variable)).toEqual(["extraOmniosPublisher", "lipkgTemplate", "web1Zone"]);
  expect(some.resources[1]!.args).toMatchObject({ pool: "lan", publishers: ["omnios", new Ref("extraOmniosPublisher", "name")] });
  const all = planProgram(reportOf([web]), { declared: "all" });
  expect(all.resources.map((r) => r.kind)).toEqual(["zone"]);
  expect(all.resources[0]!.args).toMatchObject({ template: "lipkg", pool: "lan" });
});

test("variables are unique identifiers whatever the names", () => {
  const plan = planProgram(reportOf([web, lan, third]));
  expect(plan.resources.filter((r) => r.kind === "zone").map((r) => r.variable)).toEqual(["web1Zone", "lanZone", "_1stZone"]);
});

test("the code: one const per resource, references as variables, retainOnDelete when asked", () => {
  const code = renderProgram(planProgram(reportOf([web]), { retainOnDelete: true }));
  expect(code).toMatch(/^import \* as zmgr from "pulumi-zmgr";\n/);
  expect(code).toContain('const lipkgTemplate = new zmgr.Template("lipkg", {\n    brand: "lipkg",\n    autoboot: true,\n    pool: lanPool.name,');
  expect(code).toContain("    publishers: [omniosPublisher.name, extraOmniosPublisher.name],\n");
  expect(code).toContain('const web1Zone = new zmgr.Zone("web-1", {\n    template: lipkgTemplate,\n    pool: lanPool.name,\n');
  expect(code).toMatch(/ {4}adopt: true,\n\}, \{ retainOnDelete: true \}\);\n$/);
  expect(renderProgram(planProgram(reportOf([])))).toContain("// No zone on this host can be adopted");
});

test("the generated program type-checks against the SDK (strict)", () => {
  const dir = mkdtempSync(join(tmpdir(), "zmgr-generated-"));
  try {
    const file = join(dir, "index.ts");
    writeFileSync(file, renderProgram(planProgram(reportOf([web, lan, third]), { retainOnDelete: true })));
    const repo = resolve(__dirname, "..", "..");
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      types: [],
      typeRoots: [join(repo, "node_modules", "@types")],
      baseUrl: repo,
      paths: { "pulumi-zmgr": [join(repo, "sdk", "index.ts")], "@pulumi/pulumi": [join(repo, "node_modules", "@pulumi", "pulumi")] },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
