// Broken KDL files on the host (truncated, binary, duplicate nodes, huge): a clear error naming PATH:LINE:COLUMN
// (the path alone for a file too large to read), the file never overwritten or deleted, the other files still served.

import fc from "fast-check";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ZmgrError } from "../../provider/errors";
import { zoneProvider } from "../../provider/dynamic/zone-provider";
import type { HostSpec } from "../../provider/operations/host-spec";
import { setProgressSink } from "../../provider/operations/progress";
import type { ZoneInputs, ZoneOutputs } from "../../provider/operations/zone-inputs";
import { decodeFile } from "../../provider/registry/codec";
import { SCHEMAS } from "../../provider/registry/schema";
import { closeAllHosts } from "../../provider/transport/connect";
import type { SimHost } from "../harness/sim";
import { seededLocalHost } from "./seed";

let sim: SimHost;
let registry: string;
let host: HostSpec;
const progress: string[] = [];
/** Every broken file planted, with its bytes and mtime, to prove none is ever rewritten. */
const planted = new Map<string, { sha: string; mtimeMs: number }>();

function plant(rel: string, bytes: string | Buffer): string {
  const path = join(registry, rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, bytes);
  planted.set(path, { sha: createHash("sha256").update(readFileSync(path)).digest("hex"), mtimeMs: statSync(path).mtimeMs });
  return path;
}

const template = (name: string, extra = "") => `template "${name}" {\n    brand "lipkg"\n    autoboot #true\n    pool "lan"\n    zonepath-prefix "${sim.zonesDir}"\n${extra}}\n`;
const zone = (name: string, template: string): ZoneInputs => ({ name, host, template });

beforeAll(async () => {
  ({ sim, registry, host } = await seededLocalHost());
  setProgressSink((l) => progress.push(l));
  // A second pool and template, for "the other files are still served" while lan is blocked.
  writeFileSync(join(registry, "pools", "lan2.kdl"), `pool "lan2" {\n    network "10.1.0.0/24"\n    stub "zstub0"\n}\n`);
  writeFileSync(join(registry, "templates", "other.kdl"), template("other").replace('pool "lan"', 'pool "lan2"'));
});
afterAll(async () => {
  await closeAllHosts();
  sim?.remove();
});

/** Creates `inputs` and returns the engine's error message (failing the test when the create succeeds). */
async function createFails(inputs: ZoneInputs): Promise<string> {
  const error = await zoneProvider.create(inputs).then(
    () => undefined,
    (e: Error) => e,
  );
  if (!error) throw new Error(`creating ${inputs.name} succeeded`);
  return error.message;
}

/** `text` as a regular expression that matches it literally. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The `PATH:LINE:COLUMN: ` an error message must start a clause with. */
const at = (path: string, line: number | string, column?: number) => new RegExp(`${literal(path)}:${line}:${column ?? "\\d+"}: `);

describe("a broken template, pool or publisher file fails the zones that need it, with PATH:LINE:COLUMN", () => {
  test("truncated in the middle of a string", async () => {
    const text = template("trunc");
    const path = plant("templates/trunc.kdl", text.slice(0, text.indexOf('"lan"') + 3)); // ends in `pool "la`
    const message = await createFails(zone("t1", "trunc"));
    expect(message).toMatch(at(path, 4, 13)); // the end of the file, inside the string
    expect(message).toMatch(/Unexpected EOF inside string/);
    expect(message).toContain("[zmgr::registry::parse]");
    expect(message).toMatch(/help: .*never rewrites a file it cannot parse/);
  });

  test("binary", async () => {
    const bytes = Buffer.concat([Buffer.from('template "bin" {\n  brand "lipkg"\n'), randomBytes(512), Buffer.from([0, 0xff, 0xfe, 0])]);
    const path = plant("templates/bin.kdl", bytes);
    const message = await createFails(zone("t2", "bin"));
    // Where the error is depends on the random bytes (a quote among them runs to the end of the file; a node they
    // happen to form may clash with one above), but it is a line of the file.
    const line = Number(at(path, "(\\d+)").exec(message)?.[1]);
    expect(line).toBeGreaterThanOrEqual(1);
    expect(line).toBeLessThanOrEqual(bytes.toString("utf8").split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/).length);
    expect(message).toMatch(/\[zmgr::registry::(parse|schema)\]/);
  });

  test("a duplicate node", async () => {
    const path = plant("templates/dup.kdl", template("dup", '    brand "ipkg"\n'));
    const message = await createFails(zone("t3", "dup"));
    expect(message).toMatch(at(path, 6, 5));
    expect(message).toMatch(/duplicate brand node \(the first is at line 2\).*\[zmgr::registry::schema\]/s);
  });

  test("huge (over the 256 KiB read limit): refused unread, naming the path and the limit", async () => {
    const path = plant("templates/huge.kdl", template("huge") + `// ${"x".repeat(100)}\n`.repeat(3000));
    const message = await createFails(zone("t4", "huge"));
    expect(message).toContain(`${path} is larger than 262144 bytes and was not read`);
    expect(message).toContain("[zmgr::registry::oversize]");
  });

  test("a truncated pool fails zones of that pool only", async () => {
    const path = plant("pools/cut.kdl", `pool "cut" {\n    network "10.2.0.0/24"\n    stub "zs`);
    writeFileSync(join(registry, "templates", "cutpool.kdl"), template("cutpool").replace('pool "lan"', 'pool "cut"'));
    const message = await createFails(zone("t5", "cutpool"));
    expect(message).toMatch(at(path, 3));
  });

  test("a binary publisher fails the templates that list it", async () => {
    const path = plant("publishers/junk.kdl", randomBytes(300));
    writeFileSync(join(registry, "templates", "junkpub.kdl"), template("junkpub", '    publisher "junk"\n'));
    const message = await createFails(zone("t6", "junkpub"));
    expect(message).toMatch(at(path, "\\d+")); // random bytes: the error may be on any line
    expect(message).toContain("[zmgr::registry::parse]");
  });

  test("meanwhile every other file is served: a zone from the good template is created", async () => {
    const made = (await zoneProvider.create(zone("good1", "ipkg"))).outs as ZoneOutputs;
    expect(made).toMatchObject({ state: "running", address: "10.0.0.10/24" });
  });
});

describe("a broken zone file", () => {
  test("that may hold an address of the pool blocks allocation from that pool (and names PATH:LINE:COLUMN); other pools still allocate", async () => {
    const path = plant("zones/stray.kdl", `zone "stray" {\n    address "10.0.0.11/24"\n    vnic "stray0`);
    const message = await createFails(zone("t7", "ipkg"));
    expect(message).toContain("[zmgr::pool::broken-zone-file]");
    expect(message).toMatch(at(path, 3));
    const other = (await zoneProvider.create(zone("good2", "other"))).outs as ZoneOutputs;
    expect(other.address).toBe("10.1.0.1/24");
  });

  test("its own broken file: update refuses with PATH:LINE:COLUMN, delete removes the zone but never the file, refresh reports it", async () => {
    const made = (await zoneProvider.create(zone("victim", "other"))).outs as ZoneOutputs;
    const own = readFileSync(join(registry, "zones", "victim.kdl"), "utf8");
    const path = plant("zones/victim.kdl", own.slice(0, own.indexOf("\n", own.indexOf("\n") + 1) - 3)); // line 2 cut short
    const update = await zoneProvider.update!("victim", made, { ...zone("victim", "other"), cpuShares: 5 }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(update).toMatch(at(path, 2));
    const before = progress.length;
    await zoneProvider.read!("victim", made);
    expect(progress.slice(before).join("\n")).toMatch(new RegExp(`drift: registry file ${literal(path)} cannot be used .*${at(path, 2).source}`));
    const del = await zoneProvider.delete!("victim", made).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(del).toMatch(at(path, 2));
    expect(await sim.run("zoneadm", ["-z", "victim", "list", "-p"])).toMatchObject({ exitCode: 1 }); // the zone itself is gone
  });

  test("no broken file was ever rewritten or deleted", () => {
    expect(planted.size).toBe(8);
    for (const [path, was] of planted) {
      expect({ path, sha: createHash("sha256").update(readFileSync(path)).digest("hex"), mtimeMs: statSync(path).mtimeMs }).toEqual({ path, ...was });
    }
  });
});

describe("generated broken files (fast-check): every one is refused with PATH:LINE:COLUMN inside the file", () => {
  const path = "/etc/zmgr/templates/gen.kdl";
  /** The error a decode throws, or undefined when the text is a valid template file. */
  const decodeError = (text: string): ZmgrError | undefined => {
    try {
      decodeFile(SCHEMAS.template, path, text, "gen");
      return undefined;
    } catch (e) {
      if (!ZmgrError.isInstance(e)) throw e;
      return e;
    }
  };
  /** The error names a position that exists in `text` (or just past its end). */
  const positioned = (text: string, e: ZmgrError) => {
    const lines = text.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/); // KDL v2's newlines
    const { line, column } = e.details as { line?: number; column?: number };
    expect(e.code).toMatch(/^zmgr::registry::(parse|schema)$/);
    expect(e.message.startsWith(`${path}:${line}:${column}: `)).toBe(true);
    expect(line).toBeGreaterThanOrEqual(1);
    expect(line).toBeLessThanOrEqual(lines.length);
    expect(column).toBeGreaterThanOrEqual(1);
    expect(column).toBeLessThanOrEqual((lines[line! - 1]?.length ?? 0) + 2);
  };

  test("truncated anywhere before the closing brace", () => {
    const full = `template "gen" {\n    brand "lipkg"\n    autoboot #true\n    pool "lan"\n    zonepath-prefix "/zones"\n    publisher "omnios"\n}\n`;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: full.lastIndexOf("}") - 1 }), (cut) => {
        const text = full.slice(0, cut);
        const e = decodeError(text);
        expect(e).toBeDefined();
        positioned(text, e!);
      }),
      { numRuns: 100 },
    );
  });

  test("binary garbage after a valid start", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (bytes) => {
        const text = `template "gen" {\n    brand "lipkg"\n` + Buffer.from(bytes).toString("utf8");
        const e = decodeError(text);
        if (e) positioned(text, e);
        else expect(text).toMatch(/\}/); // decodable only if the bytes happened to close the node validly
      }),
      { numRuns: 100 },
    );
  });

  test("a node that may appear once, written twice", () => {
    fc.assert(
      fc.property(fc.constantFrom("brand \"ipkg\"", "autoboot #false", "pool \"x\"", "zonepath-prefix \"/z\"", "ip-type \"exclusive\""), fc.nat(5), (dup, at) => {
        const nodes = ['brand "lipkg"', "autoboot #true", 'pool "lan"', 'zonepath-prefix "/zones"', 'ip-type "exclusive"'];
        const lines = [...nodes];
        lines.splice(at % (lines.length + 1), 0, dup);
        const text = `template "gen" {\n${lines.map((l) => `    ${l}`).join("\n")}\n}\n`;
        const e = decodeError(text);
        expect(e?.code).toBe("zmgr::registry::schema");
        expect(e!.message).toMatch(/duplicate .* node \(the first is at line \d+\)/);
        positioned(text, e!);
      }),
      { numRuns: 60 },
    );
  });
});
