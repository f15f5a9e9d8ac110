// A real OpenSSH sshd on 127.0.0.1 for tests: fresh keys in a private temp dir, sessions see the simulator.
//
// Usage (one per test file):
//   let sshd: Sshd;
//   beforeAll(async () => { sshd = await startSshd(); });
//   afterAll(() => sshd.stop());
// Then connect to sshd.host:sshd.port as sshd.user with sshd.clientKey, pinning sshd.hostPublicKey.
// Sessions get PATH = test/sim/bin, the directory of this node binary, the system dirs; ILLUMOS_SIM_ROOT (the
// simRoot option) and ILLUMOS_SIM_NODE. Tests run as root (as CI does): sshd needs /run/sshd and its privsep user.
// The log (LogLevel VERBOSE) lets tests count TCP connections; dropConnections() kills them to simulate a drop.

import { SIM_BIN } from "./repo";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { fingerprint, parsePublicKey } from "../../provider/transport/fingerprint";

/** The sshd binary; must be an absolute path (sshd re-executes itself). */
export const SSHD = "/usr/sbin/sshd";

/** The simulator's executables, first on PATH in every session (found from here, also when compiled elsewhere). */
export { SIM_BIN };

/** Options of {@link startSshd}. */
export interface SshdOptions {
  /** Extra sshd_config lines, e.g. `MaxSessions 4`. */
  readonly config?: readonly string[];
  /** sshd LogLevel: VERBOSE (default) logs connections and logins; DEBUG1 also logs port forwarding. */
  readonly logLevel?: "VERBOSE" | "DEBUG1";
  /** ILLUMOS_SIM_ROOT for sessions, e.g. `(await createSimHost()).root` (test/harness/sim.ts); default: a new empty directory. */
  readonly simRoot?: string;
  /** Accept passwords (checked against /etc/shadow, no PAM). Default true. */
  readonly passwordAuthentication?: boolean;
}

/** A running sshd and everything needed to log in to it. */
export interface Sshd {
  /** Always `127.0.0.1`. */
  readonly host: string;
  /** The port it listens on (a free one, picked at start). */
  readonly port: number;
  /** The login to use: `root` when the tests run as root, else the current user. {@link clientKey} logs in as any user. */
  readonly user: string;
  /** The client's private key (ed25519, OpenSSH format, no passphrase). */
  readonly clientKey: string;
  /** Where {@link clientKey} is stored (mode 0600). */
  readonly clientKeyPath: string;
  /** The client's public key line. */
  readonly clientPublicKey: string;
  /** The server's host public key as an OpenSSH line (`ssh-ed25519 AAAA…`). */
  readonly hostPublicKey: string;
  /** `SHA256:` fingerprint of the host key, as `ssh-keygen -lf` prints it. */
  readonly hostKeyFingerprint: string;
  /** A known_hosts line for this server (`[127.0.0.1]:PORT ssh-ed25519 AAAA…`). */
  readonly knownHostsLine: string;
  /** The private temp dir (mode 0700) holding keys, config and log. */
  readonly dir: string;
  /** ILLUMOS_SIM_ROOT of the sessions. */
  readonly simRoot: string;
  /** The listening sshd's pid (its children are the live connections). */
  readonly pid: number;
  /** The sshd log file. */
  readonly logPath: string;
  /** The sshd log so far. */
  log(): string;
  /** TCP connections accepted so far ("Connection from … port N" lines in the log). */
  connectionCount(): number;
  /** Kills every open connection (the listener's children and their descendants); resolves with how many there were. */
  dropConnections(): Promise<number>;
  /** Stops (SIGSTOP) every connection's processes: the TCP connection stays up but sshd goes silent. Returns the thaw. */
  freezeConnections(): () => void;
  /** Makes a new ed25519 key `name` in {@link dir} (encrypted when `passphrase` is given), authorizes it, returns its private key. */
  authorizeNewKey(name: string, passphrase?: string): string;
  /** Stops sshd and its connections and removes the temp dir. */
  stop(): Promise<void>;
}

/** Starts sshd; throws with the fix when the binary is missing or sshd does not come up. */
export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  if (!existsSync(SSHD)) {
    throw new Error(`${SSHD} is missing: install openssh-server (Debian/Ubuntu: apt-get install openssh-server); the transport tests need a real sshd`);
  }
  const root = process.getuid?.() === 0;
  if (root) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 }); // sshd's privilege separation directory
  const dir = mkdtempSync(join(tmpdir(), "zmgr-sshd-"));
  chmodSync(dir, 0o700);
  const simRoot = options.simRoot ?? join(dir, "sim");
  mkdirSync(simRoot, { recursive: true });
  mkdirSync(join(dir, "home"), { mode: 0o755 });
  const hostKeyPath = join(dir, "host_ed25519");
  const clientKeyPath = join(dir, "client_ed25519");
  keygen(hostKeyPath);
  keygen(clientKeyPath);
  const clientPublicKey = readFileSync(`${clientKeyPath}.pub`, "utf8").trim();
  writeFileSync(join(dir, "authorized_keys"), clientPublicKey + "\n", { mode: 0o600 });
  const hostPublicKey = readFileSync(`${hostKeyPath}.pub`, "utf8").trim().split(/\s+/).slice(0, 2).join(" ");
  const logPath = join(dir, "sshd.log");

  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    const configPath = join(dir, "sshd_config");
    writeFileSync(configPath, sshdConfig({ dir, port, hostKeyPath, simRoot, options }), { mode: 0o600 });
    writeFileSync(logPath, "");
    const started = spawnListener(configPath, logPath);
    const outcome = await waitForListening(started, logPath);
    if (outcome === "listening") child = started;
    else if (outcome !== "port-in-use") {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start (${outcome}); its log:\n${readFileSync(logPath, "utf8")}`);
    }
  }
  if (!child) throw new Error("sshd could not find a free port on 127.0.0.1 after 5 attempts");
  const listener = child;
  const killOnExit = () => killTree(listener.pid!);
  process.on("exit", killOnExit); // a crashed test file must not leave sshd behind

  const log = () => readFileSync(logPath, "utf8");
  const dropConnections = async () => {
    const children = childPids(listener.pid!);
    for (const pid of children) killTree(pid);
    const deadline = Date.now() + 5000;
    while (children.some(alive) && Date.now() < deadline) await sleep(20);
    return children.length;
  };
  let stopped = false;
  return {
    host: "127.0.0.1",
    port,
    user: root ? "root" : userInfo().username,
    clientKey: readFileSync(clientKeyPath, "utf8"),
    clientKeyPath,
    clientPublicKey,
    hostPublicKey,
    hostKeyFingerprint: fingerprint(parsePublicKey(hostPublicKey)!.blob),
    knownHostsLine: `[127.0.0.1]:${port} ${hostPublicKey}`,
    dir,
    simRoot,
    pid: listener.pid!,
    logPath,
    log,
    connectionCount: () => (log().match(/^Connection from \S+ port \d+ on /gm) ?? []).length,
    dropConnections,
    authorizeNewKey(name, passphrase = "") {
      const path = join(dir, name);
      keygen(path, passphrase);
      appendFileSync(join(dir, "authorized_keys"), readFileSync(`${path}.pub`, "utf8"));
      return readFileSync(path, "utf8");
    },
    freezeConnections() {
      const pids = childPids(listener.pid!).flatMap(descendants);
      for (const pid of pids) signal(pid, "SIGSTOP");
      return () => pids.forEach((pid) => signal(pid, "SIGCONT"));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await dropConnections();
      const exited = new Promise<void>((done) => (listener.exitCode !== null || listener.signalCode !== null ? done() : listener.once("exit", () => done())));
      listener.kill("SIGTERM");
      await within(exited, 5000);
      if (alive(listener.pid!)) listener.kill("SIGKILL");
      process.removeListener("exit", killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function sshdConfig(p: { dir: string; port: number; hostKeyPath: string; simRoot: string; options: SshdOptions }): string {
  const node = sessionNode();
  const path = [SIM_BIN, dirname(node), "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"].join(":");
  const password = p.options.passwordAuthentication ?? true;
  return [
    `Port ${p.port}`,
    "ListenAddress 127.0.0.1",
    `HostKey ${p.hostKeyPath}`,
    `PidFile ${join(p.dir, "sshd.pid")}`,
    // The client key logs in as any user (root, the test user): sshd reads the key list as root, from the private dir.
    "AuthorizedKeysFile none",
    `AuthorizedKeysCommand /bin/cat ${join(p.dir, "authorized_keys")}`,
    `AuthorizedKeysCommandUser ${userInfo().username}`,
    "UsePAM no",
    "StrictModes no",
    "PermitRootLogin yes",
    `PasswordAuthentication ${password ? "yes" : "no"}`,
    "KbdInteractiveAuthentication no",
    "AllowTcpForwarding yes",
    "UseDNS no",
    `LogLevel ${p.options.logLevel ?? "VERBOSE"}`,
    // The environment of every session; SetEnv overrides sshd's defaults (OpenSSH >= 7.8). HOME points at an empty
    // directory so that bash (root's shell) does not source the machine's ~/.bashrc for every command: on the CI image
    // that file runs `pyenv init`, about 90 ms of CPU per command, which would swamp every timing.
    `SetEnv PATH=${path} ILLUMOS_SIM_ROOT=${p.simRoot} ILLUMOS_SIM_NODE=${node} HOME=${join(p.dir, "home")}`,
    ...(p.options.config ?? []),
    "",
  ].join("\n");
}

/**
 * This node binary, as every login can run it (the simulator's tools are node scripts). A node under root's home (as
 * scripts/env.sh fetches it) is out of reach for the test user, so it is then copied once to the temp dir.
 */
function sessionNode(): string {
  const node = process.execPath;
  if (runnableByAll(node)) return node;
  const dir = join(tmpdir(), `zmgr-node-${process.version}`);
  const copy = join(dir, "node");
  if (!existsSync(copy)) {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const temp = `${copy}.${process.pid}`;
    copyFileSync(node, temp);
    chmodSync(temp, 0o755);
    renameSync(temp, copy);
  }
  return copy;
}

function runnableByAll(path: string): boolean {
  for (let p = path; ; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) return false;
    if (dirname(p) === p) return true;
  }
}

function keygen(path: string, passphrase = ""): void {
  const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", passphrase, "-C", "zmgr-test", "-f", path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ssh-keygen failed (install openssh-client): ${r.error?.message ?? r.stderr}`);
}

function spawnListener(configPath: string, logPath: string): ChildProcess {
  const fd = openSync(logPath, "a");
  try {
    // -D: stay in the foreground; -e: log to stderr (the log file), children included.
    const child = spawn(SSHD, ["-D", "-e", "-f", configPath], { stdio: ["ignore", "ignore", fd] });
    child.on("error", () => undefined); // reported through waitForListening
    return child;
  } finally {
    closeSync(fd);
  }
}

async function waitForListening(child: ChildProcess, logPath: string): Promise<"listening" | "port-in-use" | string> {
  const deadline = Date.now() + 15000;
  for (;;) {
    const text = readFileSync(logPath, "utf8");
    if (/Server listening on/.test(text)) return "listening";
    const exited = child.exitCode !== null || child.signalCode !== null;
    if (exited || Date.now() > deadline) {
      if (!exited) child.kill("SIGKILL");
      return /Address already in use/.test(text) ? "port-in-use" : exited ? `exit ${child.exitCode ?? child.signalCode}` : "no 'Server listening' line within 15 s";
    }
    await sleep(20);
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

/** Pids whose parent is `pid`, from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // the process exited while we looked
    }
  }
  return out;
}

/** `pid` and all its descendants. */
export function descendants(pid: number): number[] {
  return [pid, ...childPids(pid).flatMap(descendants)];
}

/** Kills `pid` and all its descendants (all collected first, so none escapes to init). */
function killTree(pid: number): void {
  for (const p of descendants(pid)) signal(p, "SIGKILL");
}

/** Sends `name` to `pid`, if it still exists. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Waits for `promise`, but no longer than `ms` (and leaves no timer behind). */
export async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((done) => (timer = setTimeout(done, ms)))]);
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
