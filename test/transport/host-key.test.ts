// Host key policy without a network: pinned keys and fingerprints, known_hosts outcomes, and the help they print.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZmgrError } from "../../provider/errors";
import { fingerprint, parsePublicKey } from "../../provider/transport/fingerprint";
import { hostKeyCheck } from "../../provider/transport/host-key";

let dir: string;
let ed: { line: string; blob: Buffer; fp: string };
let ed2: { line: string; blob: Buffer; fp: string };
let rsa: { line: string; blob: Buffer; fp: string };

function key(name: string, type: string) {
  const path = join(dir, name);
  expect(spawnSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", path]).status).toBe(0);
  const line = readFileSync(`${path}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
  const blob = parsePublicKey(line)!.blob;
  return { line, blob, fp: fingerprint(blob) };
}

function knownHosts(lines: string[]): string {
  const path = join(dir, `kh-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

const base = { host: "gz1.example.org", port: 2222, label: "root@gz1.example.org:2222" };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "zmgr-hk-"));
  ed = key("ed", "ed25519");
  ed2 = key("ed2", "ed25519");
  rsa = key("rsa", "rsa");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("pinned hostKey", () => {
  test("accepts the pinned key given as an OpenSSH line, a fingerprint, or one of several", () => {
    expect(hostKeyCheck({ ...base, hostKey: ed.line }).verify(ed.blob)).toBeUndefined();
    expect(hostKeyCheck({ ...base, hostKey: `${ed.line} root@gz1` }).verify(ed.blob)).toBeUndefined();
    expect(hostKeyCheck({ ...base, hostKey: ed.fp }).verify(ed.blob)).toBeUndefined();
    expect(hostKeyCheck({ ...base, hostKey: `${rsa.fp}\n${ed.line}` }).verify(ed.blob)).toBeUndefined();
  });

  test("refuses any other key, naming expected and presented fingerprints", () => {
    const e = hostKeyCheck({ ...base, hostKey: ed.line }).verify(ed2.blob)!;
    expect(e.code).toBe("zmgr::ssh::host-key-mismatch");
    expect(e.message).toContain(`expected ${ed.fp}`);
    expect(e.message).toContain(`presented ED25519 key ${ed2.fp}`);
    expect(e.help).toMatch(/man-in-the-middle/);
    expect(e.details.presented).toBe(ed2.fp);
  });

  test("offers the pinned key's algorithm first, so the server shows that key", () => {
    expect(hostKeyCheck({ ...base, hostKey: rsa.line }).algorithms!.slice(0, 3)).toEqual(["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]);
    expect(hostKeyCheck({ ...base, hostKey: ed.fp }).algorithms).toBeUndefined(); // a fingerprint does not say the type
  });

  test("a malformed pin is an error naming the option", () => {
    let error: unknown;
    try {
      hostKeyCheck({ ...base, hostKey: "SHA256:tooshort" });
    } catch (e) {
      error = e;
    }
    expect(ZmgrError.isInstance(error) && error.code).toBe("zmgr::ssh::bad-host-key-option");
  });
});

describe("known_hosts", () => {
  test("unknown host: refused with the fingerprint and the exact keyscan / hostKey fix", () => {
    const path = knownHosts([]);
    const e = hostKeyCheck({ ...base, knownHostsPaths: [path] }).verify(ed.blob)!;
    expect(e.code).toBe("zmgr::ssh::host-key-unknown");
    expect(e.message).toContain(`presented ED25519 key ${ed.fp}`);
    expect(e.message).toContain(`no entry for [gz1.example.org]:2222`);
    expect(e.help).toContain(`hostKey: "${ed.fp}"`);
    expect(e.help).toContain(`ssh-keyscan -p 2222 -t ed25519 gz1.example.org >> ${path}`);
  });

  test("a missing known_hosts file is the same as an empty one", () => {
    expect(hostKeyCheck({ ...base, knownHostsPaths: [join(dir, "nope")] }).verify(ed.blob)!.code).toBe("zmgr::ssh::host-key-unknown");
  });

  test("known key accepted; changed key of the same type refused with both fingerprints and the ssh-keygen -R fix", () => {
    const path = knownHosts([`[gz1.example.org]:2222 ${ed.line}`]);
    const check = hostKeyCheck({ ...base, knownHostsPaths: [path] });
    expect(check.verify(ed.blob)).toBeUndefined();
    const e = check.verify(ed2.blob)!;
    expect(e.code).toBe("zmgr::ssh::host-key-mismatch");
    expect(e.message).toContain(`expected ${ed.fp} (${path}:1)`);
    expect(e.message).toContain(`presented ED25519 key ${ed2.fp}`);
    expect(e.help).toContain("ssh-keygen -R '[gz1.example.org]:2222'");
  });

  test("a key of another type than the known ones is unknown, and says which types are known", () => {
    const path = knownHosts([`[gz1.example.org]:2222 ${rsa.line}`]);
    const check = hostKeyCheck({ ...base, knownHostsPaths: [path] });
    expect(check.algorithms![0]).toBe("rsa-sha2-512");
    const e = check.verify(ed.blob)!;
    expect(e.code).toBe("zmgr::ssh::host-key-unknown");
    expect(e.message).toMatch(/only RSA keys/);
  });

  test("@revoked wins over a trusted entry", () => {
    const path = knownHosts([`[gz1.example.org]:2222 ${ed.line}`, `@revoked * ${ed.line}`]);
    expect(hostKeyCheck({ ...base, knownHostsPaths: [path] }).verify(ed.blob)!.code).toBe("zmgr::ssh::host-key-revoked");
  });

  test("@cert-authority alone does not vouch (certificates unsupported), and the message says so", () => {
    const path = knownHosts([`@cert-authority [*.example.org]:2222 ${rsa.line}`]);
    const e = hostKeyCheck({ ...base, knownHostsPaths: [path] }).verify(ed.blob)!;
    expect(e.code).toBe("zmgr::ssh::host-key-unknown");
    expect(e.message).toMatch(/host certificates .* are not supported/);
  });

  test("dangerouslyAcceptAnyHostKey accepts anything, and is the only way to", () => {
    expect(hostKeyCheck({ ...base, dangerouslyAcceptAnyHostKey: true, knownHostsPaths: [] }).verify(ed2.blob)).toBeUndefined();
    expect(hostKeyCheck({ ...base, knownHostsPaths: [] }).verify(ed2.blob)).toBeDefined();
  });
});
