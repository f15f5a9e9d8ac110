// Hostile and broken input is refused by `check`, naming the property with a code and a help line, before any command reaches the host.
//
// The inputs point at a working simulated host (a positive control at the end creates a zone there), and every
// check runs inside a recording scope: no round trip may happen, and the simulator's command log stays empty.
// Addresses outside the pool are the exception: only the host knows the pool, so they are refused at create, by the
// address claim, after the first round trip (zone probe, registry lock and read) and before any zone tool or file write.

jest.mock("../../provider/transport/connect", () => jest.requireActual("./mock-connect"));

import fc from "fast-check";
import { poolProvider } from "../../provider/dynamic/pool-provider";
import { publisherProvider } from "../../provider/dynamic/publisher-provider";
import { templateProvider } from "../../provider/dynamic/template-provider";
import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { HostSpec } from "../../provider/operations/host-spec";
import { setProgressSink } from "../../provider/operations/progress";
import type { ZoneInputs } from "../../provider/operations/zone-inputs";
import { closeAllHosts } from "../../provider/transport/connect";
import type { SimHost } from "../harness/sim";
import { faults } from "./fault-host";
import { seededLocalHost } from "./seed";

let sim: SimHost;
let host: HostSpec;
/** Hostile cases checked, by family (for the summary). */
const counted = new Map<string, number>();

beforeAll(async () => {
  ({ sim, host } = await seededLocalHost());
  setProgressSink(() => undefined);
});
afterAll(async () => {
  process.stdout.write(`hostile input: ${[...counted].map(([k, v]) => `${k} ${v}`).join(", ")}; total ${[...counted.values()].reduce((a, b) => a + b, 0)}\n`);
  await closeAllHosts();
  sim?.remove();
});

type Provider = { check?: (olds: never, news: never) => Promise<{ failures?: { property: string; reason: string }[] }> };

/**
 * Checks `news` with `provider` as the engine would, and asserts that a failure names `property` with a code and
 * help, and that nothing reached the host. Returns the failure reason.
 */
async function refused(family: string, provider: Provider, news: object, property: string | RegExp): Promise<string> {
  const scope = await faults.scope([], () => provider.check!({} as never, news as never));
  if (scope.error) throw scope.error;
  const failures = scope.result!.failures ?? [];
  const hit = failures.find((f) => (typeof property === "string" ? f.property === property : property.test(f.property)));
  if (!hit) throw new Error(`${JSON.stringify(news)} was not refused on ${property}; failures: ${JSON.stringify(failures)}`);
  expect(hit.reason).toMatch(/ \[zmgr::[a-z]+::[a-z-]+\]; \S/); // why, the code, then the help line
  expect(scope.calls).toEqual([]);
  counted.set(family, (counted.get(family) ?? 0) + 1);
  return hit.reason;
}

const zone = (extra: Partial<Record<keyof ZoneInputs, unknown>>): object => ({ name: "web", host, template: "ipkg", ...extra });

// Characters that must never reach a zone name or link name: shell and zonecfg metacharacters, quotes, whitespace, controls.
const HOSTILE_CHARS = [..." \t\n\r;|&$`'\"()<>*?!#~\\{}[]/,:=%@^+", "\0", "\u2028", "é", "\u00a0"];
const hostileChar = fc.constantFrom(...HOSTILE_CHARS);
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);
/** A valid-looking word with one hostile character put somewhere in it. */
const tainted = fc.tuple(word, hostileChar, fc.nat()).map(([w, c, at]) => w.slice(0, at % (w.length + 1)) + c + w.slice(at % (w.length + 1)));
const runs = { numRuns: 40 };

describe("zone names", () => {
  test.each([
    ["shell metacharacters", "web;rm -rf /"],
    ["command substitution", "$(reboot)"],
    ["backticks", "`id`"],
    ["a pipe", "web|cat"],
    ["a space", "web server"],
    ["a newline", "web\nglobal"],
    ["a double quote", 'web"'],
    ["a single quote", "web'"],
    ["an option", "-F"],
    ["a leading dot", ".hidden"],
    ["global", "global"],
    ["SUNW", "SUNWfoo"],
    ["64 characters", "a".repeat(64)],
    ["empty", ""],
    ["a path", "../etc/passwd"],
    ["not a string", 42],
  ])("%s", async (_label, name) => {
    const reason = await refused("zone name", zoneProvider, zone({ name }), "name");
    expect(reason).toMatch(/zone name|reserved|must be a string|must not be empty/);
  });

  test("generated: any name with a hostile character, or too long", async () => {
    const long = fc.stringMatching(/^[a-z][a-z0-9]{63,100}$/);
    const sunw = word.map((w) => `SUNW${w}`);
    await fc.assert(fc.asyncProperty(fc.oneof(tainted, long, sunw), async (name) => void (await refused("zone name", zoneProvider, zone({ name }), "name"))), runs);
  });
});

describe("VNIC names", () => {
  test.each([
    ["no trailing digit", "web"],
    ["a leading digit", "0web0"],
    ["a dash", "web-a0"],
    ["32 characters", `${"v".repeat(31)}0`],
    ["a space", "web 0"],
    ["a semicolon", "web;0"],
  ])("%s", async (_label, vnic) => {
    await refused("VNIC name", zoneProvider, zone({ vnic }), "vnic");
  });

  test("generated", async () => {
    const noDigit = word.filter((w) => !/[0-9]$/.test(w));
    const long = fc.stringMatching(/^[a-z][a-z0-9]{31,60}$/);
    const taintedLink = tainted.map((t) => `${t}0`);
    await fc.assert(fc.asyncProperty(fc.oneof(noDigit, long, taintedLink), async (vnic) => void (await refused("VNIC name", zoneProvider, zone({ vnic }), "vnic"))), runs);
  });
});

describe("paths", () => {
  const bad = fc.oneof(
    fc.array(word, { minLength: 1, maxLength: 4 }).map((p) => p.join("/")), // relative
    fc.tuple(fc.array(word, { maxLength: 3 }), fc.constantFrom("..", "."), fc.array(word, { maxLength: 3 })).map(([a, dots, b]) => "/" + [...a, dots, ...b].join("/")),
    fc.array(word, { minLength: 1, maxLength: 3 }).map((p) => `/${p.join("//")}//`),
    fc.tuple(word, fc.constantFrom('"', "\n", "\0", "\r")).map(([w, c]) => `/zones/${w}${c}x`),
  );
  test.each([
    ["zonepath", { zonepath: "/zones/../etc" }, "zonepath"],
    ["zonepath relative", { zonepath: "zones/web" }, "zonepath"],
    ["fs dir", { fs: [{ dir: "/data/../../etc", special: "/tank/data" }] }, "fs[0].dir"],
    ["fs dir relative", { fs: [{ dir: "data", special: "/tank/data" }] }, "fs[0].dir"],
    ["fs special (lofs)", { fs: [{ dir: "/data", special: "/tank/../etc" }] }, "fs[0].special"],
    ["fs special relative (lofs)", { fs: [{ dir: "/data", special: "tank/data", type: "lofs" }] }, "fs[0].special"],
    ["registry root", { host: { local: true, registryRoot: "/etc/zmgr/../shadow" } }, "host.registryRoot"],
    ["registry root relative", { host: { local: true, registryRoot: "etc/zmgr" } }, "host.registryRoot"],
  ])("%s", async (_label, extra, property) => {
    await refused("path", zoneProvider, zone(extra as never), property);
  });

  test("generated: zonepath, fs dir, fs special and the template's zonepath prefix", async () => {
    await fc.assert(
      fc.asyncProperty(bad, fc.constantFrom("zonepath", "dir", "special", "prefix"), async (path, where) => {
        if (where === "zonepath") await refused("path", zoneProvider, zone({ zonepath: path }), "zonepath");
        else if (where === "dir") await refused("path", zoneProvider, zone({ fs: [{ dir: path, special: "/tank/x" }] }), "fs[0].dir");
        else if (where === "special") await refused("path", zoneProvider, zone({ fs: [{ dir: "/data", special: path }] }), "fs[0].special");
        else await refused("path", templateProvider, { name: "t", host, brand: "lipkg", zonepathPrefix: path }, "zonepathPrefix");
      }),
      { numRuns: 60 },
    );
  });
});

describe("addresses", () => {
  test.each([
    ["IPv6 without prefix", "fd00::10"],
    ["IPv4 prefix over 32", "10.0.0.10/33"],
    ["two prefixes", "10.0.0.10/24/8"],
    ["not an address", "10.0.0.300"],
    ["leading zeros", "010.0.0.10"],
    ["a command", "10.0.0.10;reboot"],
    ["a newline", "10.0.0.10\n"],
  ])("zone address: %s", async (_label, address) => {
    await refused("address", zoneProvider, zone({ address }), "address");
  });

  test.each([
    ["misaligned IPv4", { network: "10.0.0.5/24" }, "network"],
    ["misaligned IPv6", { network: "10.0.0.0/24", ipv6: { network: "fd00::1/64" } }, "ipv6.network"],
    ["IPv6 without prefix", { network: "fd00::" }, "network"],
    ["gateway outside", { network: "10.0.0.0/24", gateway: "10.0.1.1" }, "gateway"],
  ])("pool: %s", async (_label, extra, property) => {
    await refused("address", poolProvider, { name: "p", host, stub: "zstub0", ...extra }, property);
  });

  test("generated: misaligned pool networks, zone addresses without or with a bad prefix", async () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const misaligned = fc
      .tuple(octet, octet, octet, fc.integer({ min: 1, max: 255 }), fc.integer({ min: 8, max: 24 }))
      .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
    const v6bare = fc.ipV6().filter((a) => !a.includes("."));
    const badPrefix = fc.tuple(fc.ipV4(), fc.integer({ min: 33, max: 999 })).map(([a, p]) => `${a}/${p}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(misaligned.map((n) => ["pool", n] as const), v6bare.map((a) => ["zone", a] as const), badPrefix.map((a) => ["zone", a] as const)), async ([kind, value]) => {
        if (kind === "pool") await refused("address", poolProvider, { name: "p", host, stub: "zstub0", network: value }, "network");
        else await refused("address", zoneProvider, zone({ address: value }), "address");
      }),
      { numRuns: 60 },
    );
  });

  // The pool is known only from the host's registry, so this one is refused at create: after the one read round
  // trip (registry, zone state, VNIC state), before anything that changes the host.
  test("an address outside the pool is refused at create, by the claim, before any command that changes the host", async () => {
    const before = sim.log().length;
    const scope = await faults.scope([], () => zoneProvider.create(zone({ name: "outside", address: "192.168.7.10/24" }) as ZoneInputs));
    expect((scope.error as Error).message).toMatch(/192\.168\.7\.10.*\[zmgr::pool::address-outside\]/s);
    expect(sim.log().slice(before).map((e) => e.argv.join(" "))).toEqual(["zoneadm -z outside list -p"]);
    expect(scope.calls.map((c) => c.step)).not.toContain("registry write"); // nothing claimed
    counted.set("address (at create)", 1);
  });
});

describe("zonecfg injection through values", () => {
  const payloads = ['";add fs;set dir=/x;set special=/;end;"', "a;b", 'a"b', "a\nadd net", "a\rb", "x\0y", "commit;exit"];
  test.each(payloads)("attr value %j", async (value) => {
    await refused("zonecfg value", zoneProvider, zone({ attrs: { owner: value } }), /^attrs\.owner/);
  });
  test.each(payloads)("attr name %j", async (name) => {
    await refused("zonecfg value", zoneProvider, zone({ attrs: { [name]: "x" } }), /^attrs\./);
  });
  test.each(payloads)("fs option %j", async (option) => {
    await refused("zonecfg value", zoneProvider, zone({ fs: [{ dir: "/data", special: "/tank/data", options: ["ro", option] }] }), "fs[0].options[1]");
  });
  test.each(payloads)("fs special %j", async (special) => {
    await refused("zonecfg value", zoneProvider, zone({ fs: [{ dir: "/data", special, type: "tmpfs" }] }), "fs[0].special");
  });

  test("generated: a value with ; \" or a line break anywhere in attrs, fs options, fs special, dnsDomain, datasets", async () => {
    const injection = fc
      .tuple(fc.string({ maxLength: 8 }), fc.constantFrom(";", '"', "\n", "\r", "\r\n", "\u2028"), fc.string({ maxLength: 8 }))
      .map(([a, c, b]) => `x${a}${c}${b}x`);
    await fc.assert(
      fc.asyncProperty(injection, fc.constantFrom("attr", "option", "special", "domain", "dataset", "zonepath"), async (v, where) => {
        if (where === "attr") await refused("zonecfg value", zoneProvider, zone({ attrs: { note: v } }), /^attrs\.note/);
        else if (where === "option") await refused("zonecfg value", zoneProvider, zone({ fs: [{ dir: "/d", special: "/s", options: [v] }] }), "fs[0].options[0]");
        else if (where === "special") await refused("zonecfg value", zoneProvider, zone({ fs: [{ dir: "/d", special: v, type: "tmpfs" }] }), "fs[0].special");
        else if (where === "domain") await refused("zonecfg value", zoneProvider, zone({ dnsDomain: v }), "dnsDomain");
        else if (where === "dataset") await refused("zonecfg value", zoneProvider, zone({ datasets: [v] }), "datasets[0]");
        else await refused("zonecfg value", zoneProvider, zone({ zonepath: `/zones/${v}` }), "zonepath");
      }),
      { numRuns: 60 },
    );
  });
});

test("registry names (pool, template, publisher) with hostile characters are refused", async () => {
  await fc.assert(
    fc.asyncProperty(tainted.filter((t) => !/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(t)), fc.constantFrom("pool", "template", "publisher", "zone-pool"), async (name, kind) => {
      if (kind === "pool") await refused("registry name", poolProvider, { name, host, stub: "zstub0", network: "10.9.0.0/24" }, "name");
      else if (kind === "template") await refused("registry name", templateProvider, { name, host, brand: "lipkg" }, "name");
      else if (kind === "publisher") await refused("registry name", publisherProvider, { name, host, origins: ["https://pkg.example.org/"] }, "name");
      else await refused("registry name", zoneProvider, zone({ pool: name }), "pool");
    }),
    runs,
  );
});

test("nothing reached the host, and the same host does run commands for valid input (positive control)", async () => {
  expect(sim.log()).toEqual(expect.not.arrayContaining([expect.objectContaining({ argv: expect.arrayContaining(["web"]) })]));
  const checks = sim.log().filter((e) => !e.argv.some((a) => a.startsWith("outside")));
  expect(checks).toEqual([]);
  const total = [...counted.values()].reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThanOrEqual(200);
  const made = await zoneProvider.create(zone({ name: "control" }) as ZoneInputs);
  expect(made.outs).toMatchObject({ state: "running", address: "10.0.0.10/24" });
  expect(sim.log().some((e) => e.argv.join(" ") === "zoneadm -z control install")).toBe(true);
});
