// The codec of every registry file kind: byte-identical round trips, in-place edits that keep comments and unknown nodes, and every file error.

import { format, parse } from "@bgotink/kdl";
import { decodeFile, encodeFile, forgetDecoded, type ParsedFile } from "../../provider/registry/codec";
import type { Config, Pool, Publisher, Template, Zone } from "../../provider/registry/models";
import type { RegistryKind } from "../../provider/registry/paths";
import { SCHEMAS } from "../../provider/registry/schema";
import { ZmgrError } from "../../provider/errors";

const POOL = `// Pool for the LAN, edited by hand.
// Second header line.

pool "lan" { // brace comment
    network "10.0.0.0/24"
    gateway "10.0.0.1" // the router
    stub "zstub0"
    /* dynamic addresses */
    range "10.0.0.10" "10.0.0.200"
    exclude "10.0.0.50"
    vlan-id 12
    owner "ops" team="infra"
    dhcp {
        enabled #false
    }
}
`;

const TEMPLATE = `template "ipkg" {
    brand "ipkg"
    autoboot #true
    pool "lan"
    ip-type "exclusive"
    zonepath-prefix "/zones"
    publisher "openindiana.org"
    publisher "extra.omnios"
    limitpriv "default,dtrace_proc"
}
`;

const ZONE = `// written by zmgr 0.9
zone "web" {
    template "ipkg"
    brand "ipkg"
    zonepath "/zones/web"
    pool "lan"
    address "10.0.0.10/24"
    address "fd00:1::10/64"
    vnic "web0"
    comment "front end" // free text
}
`;

const PUBLISHER = `publisher "openindiana.org" {
    origin "https://pkg.openindiana.org/hipster/"
    mirror "https://mirror.example.org/hipster/"
}
`;

const CONFIG = `// host-wide settings
default-template "ipkg"
log-level "info"
`;

const SAMPLES: [RegistryKind, string, string | undefined][] = [
  ["pool", POOL, "lan"],
  ["template", TEMPLATE, "ipkg"],
  ["zone", ZONE, "web"],
  ["publisher", PUBLISHER, "openindiana.org"],
  ["config", CONFIG, undefined],
];

function decode<M>(kind: RegistryKind, text: string, name?: string): ParsedFile<M> {
  return decodeFile<M>(SCHEMAS[kind], `/etc/zmgr/${kind}.kdl`, text, name);
}

function encode<M>(kind: RegistryKind, current: ParsedFile<M> | undefined, model: M): string {
  return encodeFile(SCHEMAS[kind], current, model as unknown as Record<string, unknown>, `/etc/zmgr/${kind}.kdl`);
}

function thrown(fn: () => unknown): ZmgrError {
  try {
    fn();
  } catch (err) {
    if (ZmgrError.isInstance(err)) return err;
    throw err;
  }
  throw new Error("expected a ZmgrError");
}

/** Lines of `b` that differ from `a` (same length files only). */
function changedLines(a: string, b: string): string[] {
  const la = a.split("\n");
  return b.split("\n").filter((line, i) => line !== la[i]);
}

describe.each(SAMPLES)("%s file", (kind, src, name) => {
  test("the library round trip is byte-identical", () => {
    expect(format(parse(src))).toBe(src);
  });
  test("writing back the unchanged model is byte-identical", () => {
    const parsed = decode<Record<string, unknown>>(kind, src, name);
    expect(encode(kind, parsed, parsed.model)).toBe(src);
  });
  test("a fresh file from the model reads back as the same model", () => {
    const parsed = decode<Record<string, unknown>>(kind, src, name);
    const fresh = encode(kind, undefined, parsed.model);
    expect(decode(kind, fresh, name).model).toEqual(parsed.model);
  });
});

describe("pool", () => {
  test("decodes every field and exposes simple unknown nodes only", () => {
    const pool = decode<Pool>("pool", POOL, "lan").model;
    expect(pool).toEqual({
      name: "lan",
      networks: ["10.0.0.0/24"],
      gateways: ["10.0.0.1"],
      stub: "zstub0",
      ranges: [{ start: "10.0.0.10", end: "10.0.0.200" }],
      excludes: [{ from: "10.0.0.50" }],
      extra: { "vlan-id": [12] },
    });
  });

  test("changing a value rewrites that argument only, keeping the line's comment", () => {
    const parsed = decode<Pool>("pool", POOL, "lan");
    const out = encode("pool", parsed, { ...parsed.model, gateways: ["10.0.0.254"] });
    expect(changedLines(POOL, out)).toEqual(['    gateway "10.0.0.254" // the router']);
  });

  test("a new node goes after its field's last node, in the file's indentation", () => {
    const parsed = decode<Pool>("pool", POOL, "lan");
    const out = encode("pool", parsed, { ...parsed.model, excludes: [...parsed.model.excludes!, { from: "10.0.0.60", to: "10.0.0.69" }] });
    expect(out).toBe(POOL.replace('exclude "10.0.0.50"\n', 'exclude "10.0.0.50"\n    exclude "10.0.0.60" "10.0.0.69"\n'));
  });

  test("a removed node takes its own line's comment, never the comments above it", () => {
    const parsed = decode<Pool>("pool", POOL, "lan");
    const out = encode("pool", parsed, { ...parsed.model, ranges: [] });
    expect(out).toBe(POOL.replace('    range "10.0.0.10" "10.0.0.200"\n', ""));
    expect(out).toContain("/* dynamic addresses */");
    const noGw = encode("pool", parsed, { ...parsed.model, gateways: [] });
    expect(noGw).toBe(POOL.replace('    gateway "10.0.0.1" // the router\n', ""));
  });

  test("unknown nodes with children or properties survive any edit", () => {
    const parsed = decode<Pool>("pool", POOL, "lan");
    const out = encode("pool", parsed, { ...parsed.model, stub: "zstub1", ranges: [{ start: "10.0.0.20", end: "10.0.0.30" }], extra: { "vlan-id": null } });
    expect(out).toContain('    owner "ops" team="infra"\n    dhcp {\n        enabled #false\n    }\n');
    expect(out).not.toContain("vlan-id");
    expect(out.startsWith("// Pool for the LAN, edited by hand.\n// Second header line.\n\npool \"lan\" { // brace comment\n")).toBe(true);
  });

  test("a dual-stack pool reads and writes", () => {
    const model: Pool = {
      name: "ds",
      networks: ["10.1.0.0/24", "fd00:1::/64"],
      gateways: ["10.1.0.1", "fd00:1::1"],
      stub: "zstub1",
      ranges: [
        { start: "10.1.0.10", end: "10.1.0.99" },
        { start: "fd00:1::100", end: "fd00:1::1ff" },
      ],
    };
    const text = encode("pool", undefined, model);
    expect(text).toBe(`pool "ds" {
    network "10.1.0.0/24"
    network "fd00:1::/64"
    gateway "10.1.0.1"
    gateway "fd00:1::1"
    stub "zstub1"
    range "10.1.0.10" "10.1.0.99"
    range "fd00:1::100" "fd00:1::1ff"
}
`);
    expect(decode<Pool>("pool", text, "ds").model).toMatchObject(model);
  });
});

describe("zone", () => {
  test("decodes dual-stack addresses and the free-text extra", () => {
    const zone = decode<Zone>("zone", ZONE, "web").model;
    expect(zone.addresses).toEqual(["10.0.0.10/24", "fd00:1::10/64"]);
    expect(zone.extra).toEqual({ comment: ["front end"] });
  });

  test("a fresh zone file has the documented layout", () => {
    const text = encode<Zone>("zone", undefined, {
      name: "web",
      template: "ipkg",
      brand: "ipkg",
      zonepath: "/zones/web",
      pool: "lan",
      addresses: ["10.0.0.10/24"],
      vnic: "web0",
    });
    expect(text).toBe(`zone "web" {
    template "ipkg"
    brand "ipkg"
    zonepath "/zones/web"
    pool "lan"
    address "10.0.0.10/24"
    vnic "web0"
}
`);
  });

  test("removing the first child keeps the header comment and the brace comment", () => {
    const src = `// header\n\nzone "db" { // note\n    template "ipkg"\n    brand "ipkg"\n}\n`;
    const parsed = decode<Zone>("zone", src, "db");
    expect(encode("zone", parsed, { ...parsed.model, template: undefined })).toBe(`// header\n\nzone "db" { // note\n    brand "ipkg"\n}\n`);
  });

  test("comments above a removed node stay", () => {
    const src = `zone "db" {\n    brand "ipkg"\n    // the address below was given by hand\n    address "10.0.0.5/24"\n    vnic "db0"\n}\n`;
    const parsed = decode<Zone>("zone", src, "db");
    expect(encode("zone", parsed, { ...parsed.model, addresses: [] })).toBe(`zone "db" {\n    brand "ipkg"\n    // the address below was given by hand\n    vnic "db0"\n}\n`);
  });

  test("tab-indented and CRLF files keep their style for new nodes", () => {
    const tabs = `zone "t" {\n\tbrand "ipkg"\n}\n`;
    const p1 = decode<Zone>("zone", tabs, "t");
    expect(encode("zone", p1, { ...p1.model, vnic: "t0" })).toBe(`zone "t" {\n\tbrand "ipkg"\n\tvnic "t0"\n}\n`);
    const crlf = `zone "c" {\r\n  brand "ipkg"\r\n}\r\n`;
    const p2 = decode<Zone>("zone", crlf, "c");
    expect(encode("zone", p2, { ...p2.model, vnic: "c0" })).toBe(`zone "c" {\r\n  brand "ipkg"\r\n  vnic "c0"\r\n}\r\n`);
  });

  test("one-line blocks and an empty block get valid nodes", () => {
    const p1 = decode<Zone>("zone", `zone "a" { brand "ipkg" }\n`, "a");
    const o1 = encode("zone", p1, { ...p1.model, vnic: "a0" });
    expect(o1).toBe(`zone "a" { brand "ipkg"; vnic "a0" }\n`);
    const p2 = decode<Zone>("zone", `zone "b" {}`, "b");
    expect(encode("zone", p2, { ...p2.model, brand: "ipkg" })).toBe(`zone "b" {\n    brand "ipkg"\n}`);
    const p3 = decode<Zone>("zone", `zone "c"\n`, "c");
    expect(encode("zone", p3, { ...p3.model, brand: "ipkg" })).toBe(`zone "c" {\n    brand "ipkg"\n}\n`);
  });

  test("values with quotes, backslashes and newlines are escaped and read back", () => {
    const odd = 'say "hi"\\ \n\tbye \u0001';
    const text = encode<Zone>("zone", undefined, { name: "q", extra: { comment: [odd] } });
    expect(decode<Zone>("zone", text, "q").model.extra).toEqual({ comment: [odd] });
  });

  test("tags and raw strings on edited values survive", () => {
    const src = `zone "r" {\n    zonepath (path)#"/zones/r"#\n}\n`;
    const parsed = decode<Zone>("zone", src, "r");
    expect(parsed.model.zonepath).toBe("/zones/r");
    expect(encode("zone", parsed, { ...parsed.model, zonepath: "/z/r" })).toBe(`zone "r" {\n    zonepath (path)"/z/r"\n}\n`);
  });

  test("extra nodes: set, change and remove, other unknown nodes untouched", () => {
    const parsed = decode<Zone>("zone", ZONE, "web");
    const added = encode("zone", parsed, { ...parsed.model, extra: { "cpu-cap": [2] } });
    expect(added).toBe(ZONE.replace("}\n", "    cpu-cap 2\n}\n"));
    const changed = encode("zone", parsed, { ...parsed.model, extra: { comment: ["back end"] } });
    expect(changedLines(ZONE, changed)).toEqual(['    comment "back end" // free text']);
    const removed = encode("zone", parsed, { ...parsed.model, extra: { comment: null } });
    expect(removed).toBe(ZONE.replace('    comment "front end" // free text\n', ""));
    const untouched = encode("zone", parsed, { ...parsed.model, extra: {} });
    expect(untouched).toBe(ZONE);
  });
});

describe("template, publisher, config", () => {
  test("template lists: publishers reorder in place", () => {
    const parsed = decode<Template>("template", TEMPLATE, "ipkg");
    expect(parsed.model).toMatchObject({ brand: "ipkg", autoboot: true, pool: "lan", ipType: "exclusive", zonepathPrefix: "/zones", publishers: ["openindiana.org", "extra.omnios"] });
    expect(parsed.model.extra).toEqual({ limitpriv: ["default,dtrace_proc"] });
    const out = encode("template", parsed, { ...parsed.model, autoboot: false, publishers: ["extra.omnios"] });
    expect(out).toBe(TEMPLATE.replace("#true", "#false").replace('publisher "openindiana.org"\n    publisher "extra.omnios"', 'publisher "extra.omnios"'));
  });

  test("publisher origins and mirrors", () => {
    const parsed = decode<Publisher>("publisher", PUBLISHER, "openindiana.org");
    expect(parsed.model).toEqual({ name: "openindiana.org", origins: ["https://pkg.openindiana.org/hipster/"], mirrors: ["https://mirror.example.org/hipster/"], extra: {} });
    const out = encode("publisher", parsed, { ...parsed.model, origins: [...parsed.model.origins, "https://b.example/"], mirrors: [] });
    expect(out).toBe(`publisher "openindiana.org" {\n    origin "https://pkg.openindiana.org/hipster/"\n    origin "https://b.example/"\n}\n`);
  });

  test("config: top-level fields, header comment and unknown nodes kept", () => {
    const parsed = decode<Config>("config", CONFIG);
    expect(parsed.model).toEqual({ defaultTemplate: "ipkg", extra: { "log-level": ["info"] } });
    expect(encode("config", parsed, { ...parsed.model, defaultTemplate: undefined })).toBe("// host-wide settings\nlog-level \"info\"\n");
    expect(encode<Config>("config", undefined, { defaultTemplate: "lx" })).toBe('default-template "lx"\n');
    const noNl = decode<Config>("config", 'log-level "x"');
    expect(encode("config", noNl, { ...noNl.model, defaultTemplate: "a" })).toBe('log-level "x"\ndefault-template "a"');
  });
});

describe("file errors", () => {
  test("zmgr::registry::parse with path, line, column and help", () => {
    const err = thrown(() => decode("zone", 'zone "web" {\n    autoboot true\n}\n', "web"));
    expect(err.code).toBe("zmgr::registry::parse");
    // @bgotink/kdl points just after the bare word
    expect(err.message).toMatch(/^\/etc\/zmgr\/zone\.kdl:2:18: Invalid keyword "true"/);
    expect(err.details).toMatchObject({ path: "/etc/zmgr/zone.kdl", line: 2, column: 18 });
    expect(err.help).toMatch(/never rewrites/);
    expect(thrown(() => decode("zone", 'zone "web" {\n    brand "x\n', "web")).details).toMatchObject({ line: 3, column: 1 });
  });

  test("zmgr::registry::schema: duplicates point at the second node and name the first", () => {
    const err = thrown(() => decode("zone", 'zone "w" {\n    brand "a"\n    brand "b"\n}\n', "w"));
    expect(err.code).toBe("zmgr::registry::schema");
    expect(err.message).toBe("/etc/zmgr/zone.kdl:3:5: duplicate brand node (the first is at line 2)");
    expect(err.details).toMatchObject({ line: 3, column: 5 });
    expect(err.help).toMatch(/docs\/registry\.md/);
  });

  test.each([
    ['template "w" {\n    brand "ipkg"\n    autoboot "yes"\n}\n', "template", 3, 14, /autoboot expects #true or #false, found "yes"/],
    ['template "w" {\n    ip-type "bridged"\n    brand "x"\n}\n', "template", 2, 5, /ip-type must be/],
    ['template "w" {\n    autoboot #true\n}\n', "template", 1, 1, /template has no brand/],
    ['zone "w" {\n    vnic "a" "b"\n}\n', "zone", 2, 5, /vnic takes 1 argument, found 2/],
    ['zone "x" {\n}\n', "zone", 1, 1, /named w\.kdl but holds zone "x"/],
    ['zone "w" {}\nzone "w" {}\n', "zone", 2, 1, /a second zone node/],
    ['zone 3 {}\n', "zone", 1, 1, /takes one argument, its name/],
    ["// nothing\n", "zone", 1, 1, /no zone node \(the file has no nodes\)/],
    ['// hand-written\nzonee "w" {}\n', "zone", 2, 1, /no zone node, found "zonee"/],
    ['pool "w" {\n    network "10.0.0.0/24"\n}\n', "pool", 1, 1, /pool has no stub/],
    ['publisher "w" {\n}\n', "publisher", 1, 1, /publisher has no origin/],
  ] as const)("schema error %#", (src, kind, line, column, message) => {
    const err = thrown(() => decode(kind, src, "w"));
    expect(err.code).toBe("zmgr::registry::schema");
    expect(err.message).toMatch(message);
    expect(err.details.line).toBe(line);
    expect(err.details.column).toBe(column);
  });

  test("KDL v2 bare identifiers are strings too", () => {
    expect(decode<Zone>("zone", "zone w { brand ipkg }\n", "w").model).toMatchObject({ name: "w", brand: "ipkg" });
  });

  test("value errors keep their own code and gain the position", () => {
    const mis = thrown(() => decode("pool", 'pool "p" {\n    stub "s"\n    network "10.0.0.5/24"\n}\n', "p"));
    expect(mis.code).toBe("zmgr::pool::misaligned");
    expect(mis.message).toMatch(/^\/etc\/zmgr\/pool\.kdl:3:5: pool "p": network 10\.0\.0\.5\/24 is not aligned/);
    expect(mis.help).toMatch(/10\.0\.0\.0\/24/);
    const gw = thrown(() => decode("pool", 'pool "p" {\n    network "10.0.0.0/24"\n    stub "s"\n    gateway "10.0.1.1"\n}\n', "p"));
    expect(gw.code).toBe("zmgr::pool::gateway-outside");
    expect(gw.details).toMatchObject({ line: 4, column: 5, pool: "p" });
    const addr = thrown(() => decode("zone", 'zone "w" {\n    address "10.0.0.1/24"\n    address "10.0.0.300/24"\n}\n', "w"));
    expect(addr.code).toBe("zmgr::pool::invalid-address");
    expect(addr.details).toMatchObject({ line: 3, column: 5 });
  });

  test("writing an invalid model is refused with zmgr::registry::invalid or the value's code", () => {
    expect(thrown(() => encode<Template>("template", undefined, { name: "t" } as Template)).code).toBe("zmgr::registry::invalid");
    expect(thrown(() => encode<Zone>("zone", undefined, { name: "z", extra: { "bad name": [1] } })).code).toBe("zmgr::registry::invalid");
    expect(thrown(() => encode<Zone>("zone", undefined, { name: "z", extra: { brand: ["x"] } })).message).toMatch(/known field/);
    expect(thrown(() => encode<Zone>("zone", undefined, { name: "z", brand: 5 as unknown as string })).code).toBe("zmgr::registry::invalid");
    expect(thrown(() => encode<Pool>("pool", undefined, { name: "p", stub: "s", networks: ["10.0.0.0/33"] })).code).toBe("zmgr::pool::invalid-address");
  });

  test("an extra node the file holds in a complex form is not edited", () => {
    const parsed = decode<Pool>("pool", POOL, "lan");
    expect(thrown(() => encode("pool", parsed, { ...parsed.model, extra: { owner: ["x"] } })).code).toBe("zmgr::registry::invalid");
  });
});

test("a file decoded before is not decoded again while its text is unchanged; a new text, path or a failure is", () => {
  const text = 'zone "web" {\n  address "10.0.0.5/24"\n}\n';
  const a = decodeFile<Zone>(SCHEMAS.zone, "/etc/zmgr/zones/web.kdl", text, "web");
  expect(decodeFile<Zone>(SCHEMAS.zone, "/etc/zmgr/zones/web.kdl", text, "web")).toBe(a); // the same object: no second parse
  expect(decodeFile<Zone>(SCHEMAS.zone, "/other/zones/web.kdl", text, "web")).not.toBe(a);
  const changed = decodeFile<Zone>(SCHEMAS.zone, "/etc/zmgr/zones/web.kdl", text.replace("10.0.0.5", "10.0.0.6"), "web");
  expect(changed.model.addresses).toEqual(["10.0.0.6/24"]);
  expect(a.model.addresses).toEqual(["10.0.0.5/24"]);
  const broken = 'zone "web" {\n  address 5\n}\n';
  for (let i = 0; i < 2; i++) expect(() => decodeFile(SCHEMAS.zone, "/etc/zmgr/zones/web.kdl", broken, "web")).toThrow(ZmgrError);
  forgetDecoded();
  expect(decodeFile<Zone>(SCHEMAS.zone, "/etc/zmgr/zones/web.kdl", text, "web")).not.toBe(a);
});
