// Strict address and network parsing, IPv4 and IPv6.

import { Address4 } from "ip-address";
import fc from "fast-check";
import { formatIp, parseInterface, parseIp, parseNetwork } from "../../provider/ipam/address";
import { ZmgrError } from "../../provider/errors";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (ZmgrError.isInstance(err)) return err.code;
    throw err;
  }
  return "no error";
}

test("IPv4 and IPv6 addresses parse to BigInt values", () => {
  expect(parseIp("10.0.0.1")).toEqual({ family: 4, value: 0x0a000001n });
  expect(parseIp("255.255.255.255")).toEqual({ family: 4, value: 0xffffffffn });
  expect(parseIp("fd00::1")).toEqual({ family: 6, value: (0xfd00n << 112n) | 1n });
  expect(parseIp("::ffff:10.0.0.1").family).toBe(6);
  expect(parseInterface("10.0.0.10/24")).toEqual({ family: 4, value: 0x0a00000an, prefix: 24 });
  expect(parseInterface("fd00::10/64")).toMatchObject({ family: 6, prefix: 64 });
});

test.each(["010.0.0.1", "10.0.0", "10.0.0.256", "10.0.0.1 ", " 10.0.0.1", "0x0a.0.0.1", "10.0.0.1/33", "10.0.0.1/024", "fd00::1/129", "fe80::1%net0", "fd00:::1", "", "zone"])(
  "%j is rejected as zmgr::pool::invalid-address",
  (text) => {
    expect(code(() => parseInterface(text))).toBe("zmgr::pool::invalid-address");
  },
);

test("an address where no prefix belongs is rejected", () => {
  expect(code(() => parseIp("10.0.0.1/24", "gateway"))).toBe("zmgr::pool::invalid-address");
});

test("networks: aligned, prefix required, IPv6 without prefix rejected", () => {
  expect(parseNetwork("10.0.0.0/24")).toEqual({ family: 4, prefix: 24, first: 0x0a000000n, last: 0x0a0000ffn });
  expect(parseNetwork("fd00:1::/64")).toMatchObject({ family: 6, prefix: 64, first: 0xfd000001n << 96n, last: (0xfd000001n << 96n) | 0xffffffffffffffffn });
  expect(parseNetwork("0.0.0.0/0")).toMatchObject({ first: 0n, last: 0xffffffffn });
  expect(code(() => parseNetwork("10.0.0.0"))).toBe("zmgr::pool::invalid-address");
  expect(code(() => parseNetwork("fd00::"))).toBe("zmgr::pool::invalid-address");
});

test("misaligned networks name the aligned form, IPv4 and IPv6", () => {
  for (const [text, aligned] of [
    ["10.0.0.5/24", "10.0.0.0/24"],
    ["fd00::1/64", "fd00::/64"],
  ]) {
    try {
      parseNetwork(text!);
      throw new Error("no error");
    } catch (err) {
      expect(err).toMatchObject({ code: "zmgr::pool::misaligned", details: { aligned } });
      expect((err as ZmgrError).help).toContain(aligned);
    }
  }
});

test("IPv6 is formatted in RFC 5952 form", () => {
  expect(formatIp(6, parseIp("FD00:0:0:0:0:0:0:0010").value)).toBe("fd00::10");
  expect(formatIp(4, 0x0a00000an)).toBe("10.0.0.10");
});

test("the fast IPv4 parser agrees with ip-address on random dotted quads", () => {
  const octet = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom("00", "01", "1a", "", "-1"));
  fc.assert(
    fc.property(fc.tuple(octet, octet, octet, octet), (parts) => {
      const text = parts.join(".");
      let expected: bigint | undefined;
      try {
        expected = new Address4(text).bigInt();
      } catch {
        expected = undefined;
      }
      let got: bigint | undefined;
      try {
        got = parseIp(text).value;
      } catch {
        got = undefined;
      }
      expect(got).toBe(expected);
    }),
  );
});
