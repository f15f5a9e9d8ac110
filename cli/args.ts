// Parses `pulumi-zmgr discover` arguments into a host spec and output options; every error names the flag and the fix.

import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { HostSpec, SshSpec } from "../provider/operations/host-spec";

/** A command-line mistake: exit code 2, with the flag and what to do. */
export class UsageError extends Error {
  /** What to do instead. */
  readonly fix: string;

  constructor(message: string, fix: string) {
    super(message);
    this.name = "UsageError";
    this.fix = fix;
  }
}

/** What `discover` was asked to do. */
export interface DiscoverOptions {
  /** The host. */
  readonly host: HostSpec;
  /** Print the report as JSON. */
  readonly json: boolean;
  /** Registry names the program declares already (`all`, or a set). */
  readonly declared: "all" | ReadonlySet<string>;
  /** Give zones retainOnDelete. */
  readonly retainOnDelete: boolean;
  /** Write zone files for adoptable zones without one. */
  readonly register: boolean;
  /** Where to write a `pulumi import --file` file. */
  readonly importFile: string | undefined;
}

/** A parsed command line. */
export type Command = { readonly kind: "help" } | { readonly kind: "version" } | { readonly kind: "discover"; readonly options: DiscoverOptions };

/** The usage text. */
export const USAGE = `usage: pulumi-zmgr discover (--ssh [USER@]HOST[:PORT] | --local) [options]

Finds the zones on an illumos host, matches each to a template and a pool of its
zmgr registry, and prints a table of the zones and TypeScript code that adopts
every adoptable zone into a Pulumi program. Reads only, unless --register or
--import-file is given.

Host:
  --ssh [USER@]HOST[:PORT]  the global zone over SSH (user root, port 22 by default;
                            an IPv6 address goes in brackets: root@[fd00::5]:22)
  --port N                  SSH port
  --identity FILE           private key file (default: ssh-agent when SSH_AUTH_SOCK
                            is set, else ~/.ssh/id_ed25519, id_ecdsa or id_rsa)
  --host-key KEY            the host's key, pinned: an OpenSSH public key line
                            ("ssh-ed25519 AAAA...") or a SHA256:... fingerprint
  --known-hosts FILE        known_hosts to check the host key against when no
                            --host-key is given (default ~/.ssh/known_hosts)
  --privilege pfexec|sudo   how a non-root login runs zoneadm and zonecfg as root
  --local                   run the commands on this machine (the global zone)
  --registry-root DIR       the zmgr registry (default /etc/zmgr)

Output:
  --json                    print the report as JSON instead of the table and code
  --declared all|NAME,...   pools, templates and publishers the program declares
                            already: the code names them instead of declaring them
  --retain-on-delete        give each zone retainOnDelete: true (destroy then only
                            stops managing it)

Writes:
  --register                write a zone file for each adoptable zone that has none
                            (its address is then held in its pool)
  --import-file FILE        adopt every resource as \`pulumi up\` would (zone files
                            written as by --register) and write a file for
                            \`pulumi import --file FILE --generate-code=false\`

Exit codes: 0 done, 1 failed (host unreachable, a write failed), 2 usage error.`;

/** Parses argv (without node and the script). Throws UsageError. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Command {
  if (argv.length === 0) throw new UsageError("no command given", "run `pulumi-zmgr discover --ssh root@HOST` (see --help)");
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") return { kind: "help" };
  if (command === "--version" || command === "-V") return { kind: "version" };
  if (command !== "discover") throw new UsageError(`unknown command ${JSON.stringify(command)}`, "the only command is `discover` (see --help)");

  const flags = new Map<string, string | true>();
  const valued = new Set(["--ssh", "--port", "--identity", "--host-key", "--known-hosts", "--privilege", "--registry-root", "--declared", "--import-file"]);
  const bare = new Set(["--local", "--json", "--retain-on-delete", "--register", "--help", "-h"]);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (valued.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
      if (value === undefined || value === "") throw new UsageError(`${name} needs a value`, `write ${name} ${placeholder(name)}`);
      if (flags.has(name)) throw new UsageError(`${name} is given twice`, `give ${name} once`);
      flags.set(name, value);
    } else if (bare.has(name)) {
      if (eq > 0) throw new UsageError(`${name} takes no value`, `write ${name} alone`);
      flags.set(name, true);
    } else {
      throw new UsageError(`unknown option ${JSON.stringify(arg)}`, "see `pulumi-zmgr discover --help` for the options");
    }
  }
  if (flags.has("--help") || flags.has("-h")) return { kind: "help" };
  const text = (name: string) => flags.get(name) as string | undefined;

  const local = flags.has("--local");
  const sshTarget = text("--ssh");
  if (local && sshTarget !== undefined) throw new UsageError("--ssh and --local are both given", "keep --ssh to reach the host over SSH, or --local when this machine is the global zone");
  if (!local && sshTarget === undefined) throw new UsageError("no host given", "add --ssh root@HOST (or --local on the global zone itself)");
  if (local) {
    for (const f of ["--port", "--identity", "--host-key", "--known-hosts"]) if (flags.has(f)) throw new UsageError(`${f} is an SSH option but --local is given`, `drop ${f}, or use --ssh instead of --local`);
  }

  const privilege = text("--privilege");
  if (privilege !== undefined && !["pfexec", "sudo", "none"].includes(privilege)) throw new UsageError(`--privilege must be pfexec or sudo, got ${JSON.stringify(privilege)}`, "use --privilege pfexec (RBAC profile) or --privilege sudo (passwordless sudo)");
  const registryRoot = text("--registry-root");
  if (registryRoot !== undefined && (!registryRoot.startsWith("/") || registryRoot.split("/").includes(".."))) {
    throw new UsageError(`--registry-root must be an absolute path without "..", got ${JSON.stringify(registryRoot)}`, "give the registry directory on the host, e.g. --registry-root /etc/zmgr");
  }

  const host: HostSpec = prune({
    local: local || undefined,
    ssh: local ? undefined : sshSpec(sshTarget!, flags, env),
    privilege: privilege as HostSpec["privilege"],
    registryRoot,
  }) as HostSpec;

  const declaredText = text("--declared");
  const declared = declaredText === undefined ? new Set<string>() : declaredText === "all" ? "all" : new Set(declaredText.split(",").map((s) => s.trim()).filter(Boolean));
  const importFile = text("--import-file");
  return {
    kind: "discover",
    options: {
      host,
      json: flags.has("--json"),
      declared,
      retainOnDelete: flags.has("--retain-on-delete"),
      register: flags.has("--register"),
      importFile: importFile === undefined ? undefined : resolve(importFile),
    },
  };
}

function sshSpec(target: string, flags: ReadonlyMap<string, string | true>, env: NodeJS.ProcessEnv): SshSpec {
  const m = /^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.%]+\]|[^:@\s[\]]+)(?::(\d+))?$/.exec(target);
  if (!m) throw new UsageError(`--ssh ${JSON.stringify(target)} is not [USER@]HOST[:PORT]`, "write e.g. --ssh root@gz1.example.org or --ssh admin@192.0.2.10:2222 (IPv6 in brackets)");
  const [, user, rawHost, inlinePort] = m;
  const hostName = rawHost!.startsWith("[") ? rawHost!.slice(1, -1) : rawHost!;
  const portText = (flags.get("--port") as string | undefined) ?? inlinePort;
  if (flags.has("--port") && inlinePort !== undefined && flags.get("--port") !== inlinePort) throw new UsageError(`--port ${String(flags.get("--port"))} and --ssh ...:${inlinePort} disagree`, "give the port once");
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new UsageError(`--port must be a number from 1 to 65535, got ${JSON.stringify(portText)}`, "give the sshd port, e.g. --port 22");
  }
  if (user !== undefined && !/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(user)) throw new UsageError(`--ssh: ${JSON.stringify(user)} is not a login name`, "write e.g. --ssh root@HOST");
  const identity = flags.get("--identity") as string | undefined;
  if (identity !== undefined && !existsSync(identity)) throw new UsageError(`--identity ${identity}: no such file`, "give the path of your private key file, e.g. --identity ~/.ssh/id_ed25519");
  const knownHosts = flags.get("--known-hosts") as string | undefined;
  if (knownHosts !== undefined && !existsSync(knownHosts)) throw new UsageError(`--known-hosts ${knownHosts}: no such file`, "give an existing known_hosts file, or pin the key with --host-key");
  const agent = env.SSH_AUTH_SOCK || undefined;
  const key = identity ?? (agent ? undefined : defaultKey());
  if (!key && !agent) throw new UsageError("no SSH credentials: no --identity, no ssh-agent (SSH_AUTH_SOCK) and no ~/.ssh/id_ed25519, id_ecdsa or id_rsa", "give --identity FILE, or start ssh-agent and add your key");
  return prune({
    host: hostName,
    port,
    user,
    privateKeyPath: key === undefined ? undefined : resolve(key),
    hostKey: flags.get("--host-key") as string | undefined,
    knownHostsPath: knownHosts === undefined ? undefined : resolve(knownHosts),
  }) as unknown as SshSpec;
}

function defaultKey(): string | undefined {
  return ["id_ed25519", "id_ecdsa", "id_rsa"].map((f) => join(homedir(), ".ssh", f)).find((p) => existsSync(p));
}

function placeholder(flag: string): string {
  const p: Record<string, string> = {
    "--ssh": "root@HOST",
    "--port": "22",
    "--identity": "~/.ssh/id_ed25519",
    "--host-key": '"ssh-ed25519 AAAA..."',
    "--known-hosts": "~/.ssh/known_hosts",
    "--privilege": "pfexec",
    "--registry-root": "/etc/zmgr",
    "--declared": "lan,ipkg",
    "--import-file": "import.json",
  };
  return p[flag] ?? "VALUE";
}

function prune(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
