// Test-only fast-check generators of valid zone configurations and of hostile strings.

import fc from "fast-check";
import type { ZoneConfig } from "../../provider/illumos/zone-config";
import { validateZoneConfig } from "../../provider/illumos/zone-config-check";

const ASCII_SPECIALS = " ;=#[](),:'\\@/*&|<>$!?.-_{}~^`%+";

/** Free text zonecfg can hold: letters, digits, every lexer-special character but `"`, some non-ASCII; no edge spaces. */
export const text = (maxLength = 24) =>
  fc
    .string({ unit: fc.constantFrom(..."abcXYZ019", ...ASCII_SPECIALS, "é", "漢", "😀"), minLength: 1, maxLength })
    .filter((s) => s.trim() === s);

const token = (re: RegExp) => fc.stringMatching(re);
const segment = token(/^[A-Za-z0-9_.;#=, -]{1,8}$/).filter((s) => s !== "." && s !== ".." && s.trim() === s);
/** A normalised absolute path with lexer-special characters in its components. */
export const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((p) => "/" + p.join("/"));
export const zoneName = token(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/).filter((n) => n !== "global" && !n.startsWith("SUNW"));
export const linkName = token(/^[a-z][a-z0-9_.]{0,10}[0-9]$/);
const byte = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(byte, byte, byte, byte).map((b) => b.join("."));
const cidr4 = fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`);
const ipv6 = fc.ipV6();
const cidr6 = fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`);
const cidr = fc.oneof(cidr4, cidr6);
const mac = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 }).map((b) => b.map((x) => x.toString(16)).join(":"));
const property = fc.record({ name: token(/^[a-z][a-z0-9_-]{0,8}$/), value: text() });
const properties = fc.uniqueArray(property, { maxLength: 3, selector: (p) => p.name + "=" + p.value });
const K = 1024;
const M = K * K;

const fsRes = fc.record(
  {
    dir: path,
    special: text(),
    raw: path,
    type: fc.constantFrom("lofs", "zfs", "tmpfs", "ufs"),
    options: fc.uniqueArray(token(/^[a-z][a-z0-9_.=:/+-]{0,10}$/), { maxLength: 4 }),
  },
  { requiredKeys: ["dir", "special", "type"] },
);

const netCommon = { defrouter: fc.oneof(ipv4, ipv6), globalNic: linkName, macAddr: mac, physical: linkName, vlanId: fc.integer({ min: 1, max: 4094 }), properties };
const netRes = (ipType: "shared" | "exclusive"): fc.Arbitrary<object> =>
  ipType === "shared"
    ? fc.record({ ...netCommon, address: cidr }, { requiredKeys: ["physical"] })
    : fc.record({ ...netCommon, allowedAddress: cidr }, { requiredKeys: ["physical"] });

const rctlValue = fc.record({ priv: fc.constant("privileged"), limit: fc.nat({ max: 2 ** 40 }), action: fc.constantFrom("none", "deny") });

const configOf = (ipType: "shared" | "exclusive") =>
    fc.record(
      {
        zonename: zoneName,
        zonepath: path,
        brand: fc.constantFrom("lipkg", "ipkg", "sparse", "pkgsrc"),
        autoboot: fc.boolean(),
        ipType: fc.constant(ipType),
        bootargs: text(),
        pool: token(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,10}$/),
        limitpriv: fc.constantFrom("default", "default,dtrace_proc", "default,-file_link_any,!proc_info", "basic,net_rawaccess"),
        schedulingClass: fc.constantFrom("FSS", "TS", "FX"),
        hostid: token(/^(0x)?[0-9a-f]{1,8}$/),
        fsAllowed: fc.constantFrom("ufs", "ufs,pcfs", "hsfs"),
        cpuShares: fc.integer({ min: 0, max: 65535 }),
        maxLwps: fc.integer({ min: 100, max: 2 ** 31 }),
        maxProcesses: fc.integer({ min: 100, max: 2 ** 31 }),
        maxShmMemory: fc.nat({ max: 2 ** 44 }),
        maxShmIds: fc.nat({ max: 2 ** 24 }),
        maxMsgIds: fc.nat({ max: 2 ** 24 }),
        maxSemIds: fc.nat({ max: 2 ** 24 }),
        zfsIoPriority: fc.integer({ min: 0, max: 1024 }),
        fs: fc.uniqueArray(fsRes, { maxLength: 3, selector: (f) => f.dir }),
        net: fc.uniqueArray(netRes(ipType), { maxLength: 3, selector: (n) => (n as { physical: string }).physical }),
        device: fc.uniqueArray(fc.record({ match: path, properties }, { requiredKeys: ["match"] }), { maxLength: 2, selector: (d) => d.match }),
        dataset: fc.uniqueArray(fc.record({ name: token(/^[a-z][a-z0-9]{0,5}(\/[A-Za-z0-9_.:-]{1,6}){0,3}$/) }), { maxLength: 3, selector: (d) => d.name }),
        attr: fc.uniqueArray(
          fc.oneof(
            fc.record({ name: token(/^[a-z][a-z0-9.-]{0,10}$/), type: fc.constant("string" as const), value: text() }),
            fc.record({ name: token(/^[a-z][a-z0-9.-]{0,10}$/), type: fc.constant("int" as const), value: fc.integer().map(String) }),
            fc.record({ name: token(/^[a-z][a-z0-9.-]{0,10}$/), type: fc.constant("uint" as const), value: fc.nat().map(String) }),
            fc.record({ name: token(/^[a-z][a-z0-9.-]{0,10}$/), type: fc.constant("boolean" as const), value: fc.constantFrom("true", "false") }),
          ),
          { maxLength: 3, selector: (a) => a.name },
        ),
        cappedMemory: fc
          .record({ physical: fc.integer({ min: M, max: 2 ** 42 }), swap: fc.integer({ min: 50 * M, max: 2 ** 42 }), locked: fc.integer({ min: 0, max: M }) }, { requiredKeys: [] })
          .filter((m) => Object.keys(m).length > 0),
        cappedCpu: fc.integer({ min: 1, max: 6400 }).map((n) => ({ ncpus: n / 100 })),
        dedicatedCpu: fc.record(
          { ncpus: fc.oneof(fc.integer({ min: 1, max: 64 }).map(String), fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 8, max: 64 })).map(([a, b]) => `${a}-${b}`)), importance: fc.nat({ max: 100 }) },
          { requiredKeys: ["ncpus"] },
        ),
        rctl: fc.uniqueArray(
          fc.record({ name: fc.constantFrom("zone.max-lofi", "zone.max-lwps", "zone.max-tasks", "zone.max-swap"), values: fc.uniqueArray(rctlValue, { minLength: 1, maxLength: 3, selector: (v) => JSON.stringify(v) }) }),
          { maxLength: 2, selector: (r) => r.name },
        ),
        admin: fc.uniqueArray(fc.record({ user: token(/^[a-z][a-z0-9_]{0,8}$/), auths: fc.constantFrom("login", "login,manage", "manage,clonefrom") }), { maxLength: 2, selector: (a) => a.user }),
        securityFlags: fc.record({ default: fc.constantFrom("ASLR", "ASLR,FORBIDNULLMAP", "none"), lower: fc.constantFrom("none"), upper: fc.constantFrom("all", "ASLR,FORBIDNULLMAP,NOEXECSTACK") }, { requiredKeys: ["default"] }),
      },
      { requiredKeys: ["zonename", "zonepath", "brand", "autoboot", "ipType"] },
    );

/** A configuration that validates: every field of the model appears in some runs. Built once: making arbitraries is slow. */
export const zoneConfig: fc.Arbitrary<ZoneConfig> = fc
  .oneof(configOf("shared"), configOf("exclusive"))
  .map((c) => c as ZoneConfig)
  .filter((c) => validateZoneConfig(c).length === 0);
