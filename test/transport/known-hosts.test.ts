// known_hosts parsing and matching, and fingerprints, checked against OpenSSH's own ssh-keygen.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blobKeyType, fingerprint, parsePublicKey } from "../../provider/transport/fingerprint";
import { hashHostName, hostFieldMatches, knownHostsName, lookupKnownHosts, parseKnownHosts } from "../../provider/transport/known-hosts";

let dir: string;
let edKey: string; // "ssh-ed25519 AAAA…"
let rsaKey: string;

function keygen(name: string, type: string): string {
  const path = join(dir, name);
  const r = spawnSync("ssh-keygen", ["-q", "-t", type, ...(type === "rsa" ? ["-b", "2048"] : []), "-N", "", "-f", path]);
  expect(r.status).toBe(0);
  return readFileSync(`${path}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "zmgr-kh-"));
  edKey = keygen("ed", "ed25519");
  rsaKey = keygen("rsa", "rsa");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fingerprints", () => {
  test("equal `ssh-keygen -lf` for ed25519 and RSA keys", () => {
    for (const name of ["ed", "rsa"]) {
      const line = readFileSync(join(dir, `${name}.pub`), "utf8");
      const expected = spawnSync("ssh-keygen", ["-lf", join(dir, `${name}.pub`)], { encoding: "utf8" }).stdout.split(" ")[1];
      expect(fingerprint(parsePublicKey(line)!.blob)).toBe(expected);
    }
  });

  test("parsePublicKey reads the type from the blob and refuses a mislabelled or broken key", () => {
    const key = parsePublicKey(`${edKey} comment here`)!;
    expect(key.type).toBe("ssh-ed25519");
    expect(blobKeyType(key.blob)).toBe("ssh-ed25519");
    expect(parsePublicKey(edKey.replace("ssh-ed25519", "ssh-rsa"))).toBeUndefined();
    expect(parsePublicKey("ssh-ed25519 !!!notbase64")).toBeUndefined();
    expect(parsePublicKey("")).toBeUndefined();
    expect(parsePublicKey(`[h]:22 ${rsaKey}`)!.type).toBe("ssh-rsa"); // a whole known_hosts line works too
  });
});

describe("known_hosts", () => {
  test("host names: port 22 plain, any other port bracketed, lower-cased", () => {
    expect(knownHostsName("GZ1.example.org", 22)).toBe("gz1.example.org");
    expect(knownHostsName("10.0.0.5", 2222)).toBe("[10.0.0.5]:2222");
  });

  test("hashed entries written by `ssh-keygen -H` match exactly their host and port", () => {
    const file = join(dir, "known_hosts_hashed");
    writeFileSync(file, `gz1.example.org ${edKey}\n[10.0.0.5]:2222 ${rsaKey}\n`);
    expect(spawnSync("ssh-keygen", ["-H", "-f", file]).status).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("gz1.example.org");
    const entries = parseKnownHosts(text, file);
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.hosts.startsWith("|1|"))).toBe(true);
    expect(lookupKnownHosts(entries, "gz1.example.org", 22).trusted.map((e) => e.key.type)).toEqual(["ssh-ed25519"]);
    expect(lookupKnownHosts(entries, "GZ1.EXAMPLE.ORG", 22).trusted).toHaveLength(1);
    expect(lookupKnownHosts(entries, "10.0.0.5", 2222).trusted.map((e) => e.key.type)).toEqual(["ssh-rsa"]);
    expect(lookupKnownHosts(entries, "10.0.0.5", 22).trusted).toHaveLength(0);
    expect(lookupKnownHosts(entries, "gz2.example.org", 22).trusted).toHaveLength(0);
  });

  test("hashHostName reproduces ssh-keygen's hash for the same salt", () => {
    const file = join(dir, "known_hosts_one");
    writeFileSync(file, `[127.0.0.1]:2200 ${edKey}\n`);
    spawnSync("ssh-keygen", ["-H", "-f", file]);
    const field = readFileSync(file, "utf8").split(" ")[0]!;
    const salt = Buffer.from(field.split("|")[2]!, "base64");
    expect(hashHostName("[127.0.0.1]:2200", salt)).toBe(field);
  });

  test("patterns: lists, wildcards, negation", () => {
    expect(hostFieldMatches("gz1,gz2.example.org,10.0.0.5", "gz2.example.org")).toBe(true);
    expect(hostFieldMatches("*.example.org", "gz1.example.org")).toBe(true);
    expect(hostFieldMatches("*.example.org", "example.org")).toBe(false);
    expect(hostFieldMatches("gz?.example.org", "gz7.example.org")).toBe(true);
    expect(hostFieldMatches("*.example.org,!bad.example.org", "bad.example.org")).toBe(false);
    expect(hostFieldMatches("[10.0.0.*]:2222", "[10.0.0.9]:2222")).toBe(true);
    expect(hostFieldMatches("[10.0.0.*]:2222", "[10.0.0.9]:22")).toBe(false);
    expect(hostFieldMatches("10.0.0.5", "10.0.0.55")).toBe(false);
    expect(hostFieldMatches("gz1.example.org", "gz1xexample.org")).toBe(false); // dots are not wildcards
  });

  test("markers: @revoked and @cert-authority are kept apart from trusted keys; unknown markers and junk are skipped", () => {
    const text = [
      "# a comment",
      "",
      `gz1 ${edKey}`,
      `@revoked gz1 ${rsaKey}`,
      `@cert-authority *.example.org ${rsaKey}`,
      `@bogus gz1 ${rsaKey}`,
      "gz1 ssh-ed25519",
      "gz1 ssh-ed25519 AAAAnotakey",
    ].join("\n");
    const entries = parseKnownHosts(text, "kh");
    expect(entries.map((e) => [e.marker, e.source])).toEqual([
      [undefined, "kh:3"],
      ["revoked", "kh:4"],
      ["cert-authority", "kh:5"],
    ]);
    const gz1 = lookupKnownHosts(entries, "gz1", 22);
    expect(gz1.trusted).toHaveLength(1);
    expect(gz1.revoked).toHaveLength(1);
    expect(lookupKnownHosts(entries, "a.example.org", 22).certAuthorities).toHaveLength(1);
  });
});
