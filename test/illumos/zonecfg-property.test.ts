import fc from "fast-check";
import { ZmgrError } from "../../provider/errors";
import { checkZonecfgText } from "../../provider/illumos/names";
import { canonicalZoneConfig, zoneConfigsEqual, type ZoneConfig } from "../../provider/illumos/zone-config";
import { validateZoneConfig } from "../../provider/illumos/zone-config-check";
import { parseZonecfgExport, parseZonecfgInfo } from "../../provider/illumos/zonecfg-parse";
import { buildCreateScript, buildUpdateScript } from "../../provider/illumos/zonecfg-script";
import { quoteValue } from "../../provider/illumos/zonecfg-syntax";
import { text, zoneConfig } from "./arbitraries";
import { renderInfo } from "./info-render";

const runs = { numRuns: 300 };

test("the generator covers the model (sanity: it yields valid configurations)", () => {
  const samples = fc.sample(zoneConfig, 200);
  expect(samples.every((c) => validateZoneConfig(c).length === 0)).toBe(true);
  for (const field of ["fs", "net", "device", "dataset", "attr", "rctl", "admin", "cappedMemory", "cappedCpu", "dedicatedCpu", "securityFlags", "maxShmMemory"]) {
    expect(samples.some((c) => (c as unknown as Record<string, unknown>)[field] !== undefined)).toBe(true);
  }
});

test("property: parseZonecfgInfo(info of config) equals the config", () => {
  fc.assert(
    fc.property(zoneConfig, (c) => {
      expect(parseZonecfgInfo(renderInfo(c))).toEqual(canonicalZoneConfig(c));
    }),
    runs,
  );
});

test("property: the create script, read back as a command script, is the config", () => {
  fc.assert(
    fc.property(zoneConfig, (c) => {
      expect(parseZonecfgExport(buildCreateScript(c), c.zonename)).toEqual(canonicalZoneConfig(c));
    }),
    runs,
  );
});

test("property: every create-script line is one command (no value opens a line or a command of its own)", () => {
  fc.assert(
    fc.property(zoneConfig, (c) => {
      const bad = buildCreateScript(c)
        .trimEnd()
        .split("\n")
        // outside the quoted strings: command words, names, numbers and punctuation, never ; # or a line break
        .filter((line) => !/^(create -b|commit|end|set [a-z-]+=.*|add [a-z-]+( .*)?)$/.test(line) || /[;#\r]/.test(line.replace(/"[^"\n]*"/g, '""')));
      expect(bad).toEqual([]);
    }),
    runs,
  );
});

test("property: an update script is null exactly when the configurations are equal", () => {
  fc.assert(
    fc.property(zoneConfig, zoneConfig, (a, b0) => {
      const b = { ...b0, zonename: a.zonename };
      expect(buildUpdateScript(a, a)).toBeNull();
      expect(buildUpdateScript(a, b) === null).toBe(zoneConfigsEqual(a, b));
    }),
    runs,
  );
});

test("property: hostile strings are refused by validation or quoted into one intact token", () => {
  const hostile = fc.string({ unit: fc.constantFrom(..."a ;=#[](),\"\n\r\t\u0000\\'$`", "\u2028", "\u0085"), maxLength: 12 });
  fc.assert(
    fc.property(hostile, (s) => {
      const failures = checkZonecfgText(s, "v");
      let quoted: string | undefined;
      try {
        quoted = quoteValue(s);
      } catch (e) {
        expect(ZmgrError.isInstance(e) && e.code === "zmgr::input::zonecfg-unsafe").toBe(true);
      }
      if (failures.length === 0) {
        // accepted: it must be quotable, with its quotes the only ones and no line break
        expect(quoted).toBe(`"${s}"`);
        expect(quoted!.split('"').length).toBe(3);
        expect(quoted).not.toMatch(/[\n\r]/);
      }
      const config: ZoneConfig = { zonename: "z", zonepath: "/z", bootargs: s, attr: [{ name: "a", type: "string", value: s }], net: [{ physical: "z0", properties: [{ name: "p", value: s }] }] };
      let script: string | undefined;
      try {
        script = buildCreateScript(config);
      } catch (e) {
        expect(ZmgrError.isInstance(e) && (e as ZmgrError).code.startsWith("zmgr::input::")).toBe(true);
      }
      if (script !== undefined) {
        expect(script.split("\n").length).toBe(buildCreateScript({ ...config, bootargs: "x", attr: [{ name: "a", type: "string", value: "x" }], net: [{ physical: "z0", properties: [{ name: "p", value: "x" }] }] }).split("\n").length);
        expect(parseZonecfgExport(script, "z")).toEqual(canonicalZoneConfig(config));
      }
    }),
    { numRuns: 2000 },
  );
});

test("property: any accepted free text survives info and script round trips in every text slot", () => {
  fc.assert(
    fc.property(text(40), (s) => {
      const c: ZoneConfig = { zonename: "z", zonepath: "/z", brand: "lipkg", autoboot: false, ipType: "exclusive", bootargs: s, fs: [{ dir: "/d", special: s, type: "lofs", options: ["ro"] }], attr: [{ name: "a", type: "string", value: s }] };
      expect(parseZonecfgInfo(renderInfo(c))).toEqual(c);
      expect(parseZonecfgExport(buildCreateScript(c), "z")).toEqual(c);
    }),
    { numRuns: 1000 },
  );
});
