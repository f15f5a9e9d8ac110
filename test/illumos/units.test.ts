import { bytesToInfoUnits, bytesToZonecfg, parseUnits } from "../../provider/illumos/units";
import fc from "fast-check";

const K = 1024;
const M = K * K;
const G = M * K;
const T = G * K;

test("bytesToZonecfg: the largest exact unit", () => {
  expect(bytesToZonecfg(0)).toBe("0");
  expect(bytesToZonecfg(1000)).toBe("1000");
  expect(bytesToZonecfg(2048)).toBe("2K");
  expect(bytesToZonecfg(512 * M)).toBe("512M");
  expect(bytesToZonecfg(1536 * M)).toBe("1536M");
  expect(bytesToZonecfg(G)).toBe("1G");
  expect(bytesToZonecfg(2 * T)).toBe("2T");
  expect(bytesToZonecfg(4096 * T)).toBe("4096T");
  expect(() => bytesToZonecfg(1.5)).toThrow(/non-negative integer/);
  expect(() => bytesToZonecfg(-1)).toThrow(/non-negative integer/);
});

test("bytesToInfoUnits: bytes_to_units as info prints it (SPEC §1.5)", () => {
  expect(bytesToInfoUnits(1000)).toBe("1000");
  expect(bytesToInfoUnits(1023)).toBe("1023");
  expect(bytesToInfoUnits(G)).toBe("1G");
  expect(bytesToInfoUnits(1.5 * G)).toBe("1.5G");
  expect(bytesToInfoUnits(512 * M)).toBe("512M");
  expect(bytesToInfoUnits(10.5 * G)).toBe("11G"); // 10 units or more: rounded, no fraction
  expect(bytesToInfoUnits(1536 * M + 1)).toBe("1.5G");
  expect(bytesToInfoUnits(2047)).toBe("2.0K");
  expect(bytesToInfoUnits(5000 * T)).toBe("5000T");
  expect(bytesToInfoUnits(1.25 * G)).toBe("1.2G"); // exact tie: printf rounds half to even
  expect(bytesToInfoUnits(1.75 * G)).toBe("1.8G");
});

test("parseUnits: both cases, fractions, plain bytes", () => {
  expect(parseUnits("1G")).toBe(G);
  expect(parseUnits("1g")).toBe(G);
  expect(parseUnits("50m")).toBe(50 * M);
  expect(parseUnits("1.5G")).toBe(1.5 * G);
  expect(parseUnits("2048")).toBe(2048);
  expect(parseUnits("3T")).toBe(3 * T);
  for (const bad of ["", "G", "1.G", "1GB", "-1G", "1 G", "1e3"]) expect(parseUnits(bad)).toBeUndefined();
});

test("property: parseUnits(bytesToZonecfg(n)) === n", () => {
  fc.assert(fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (n) => parseUnits(bytesToZonecfg(n)) === n));
});

test("property: info units are within rounding of the value", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1024, max: 2 ** 50 }), (n) => {
      const back = parseUnits(bytesToInfoUnits(n))!;
      return Math.abs(back - n) / n < 0.06;
    }),
  );
});
