// The host-side registry lock: an atomic `mkdir ROOT/.lock` holding owner and time, with backoff, stale-lock breaking and release in finally.

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { ZmgrError } from "../errors";
import { commandFailed } from "../transport/checked";
import { runBatch, type BatchResult, type BatchStep } from "../transport/batch";
import type { Host, RunOptions, RunResult } from "../transport/host";
import { absolutePath, checkRoot, LOCK_DIR } from "./paths";

/** Where lock warnings go (a stale lock broken, a lock lost while held). */
export interface LockLogger {
  /** Prints one warning. */
  warn(message: string): void;
}

/** Options of {@link acquireRegistryLock} and {@link withRegistryLock}. */
export interface LockOptions {
  /** Give up after this many milliseconds of waiting: `zmgr::lock::timeout` (default 180 000). */
  readonly timeoutMs?: number;
  /** A lock older than this (by the host's clock) is stale and broken with a warning (default 120 000). */
  readonly staleMs?: number;
  /** First wait between attempts; doubles up to `maxDelayMs`, with jitter (default 50). */
  readonly initialDelayMs?: number;
  /** Longest wait between attempts (default 1 000). */
  readonly maxDelayMs?: number;
  /** Who holds the lock, for other waiters' messages (default `pulumi-zmgr`). */
  readonly label?: string;
  /** Receives warnings (default `console.warn`). */
  readonly logger?: LockLogger;
  /** Waits; injectable for tests (default setTimeout). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The owner record of a held lock, as read from `ROOT/.lock/owner`. */
export interface LockOwner {
  /** Random token of this acquisition. */
  readonly token?: string;
  /** The holder's label. */
  readonly label?: string;
  /** The machine the holder runs on. */
  readonly host?: string;
  /** The holder's process id. */
  readonly pid?: string;
  /** When it was taken, host clock, UTC `YYYYMMDDhhmmss`. */
  readonly time?: string;
}

/** A held lock. */
export interface RegistryLock {
  /** This acquisition's token (in the owner file). */
  readonly token: string;
  /** Releases the lock if it is still ours; warns when someone broke it meanwhile. */
  release(): Promise<void>;
  /**
   * The release as the last step of a batch (it runs even when earlier steps stopped): pass the
   * step's result to `released`. After this, `release()` does nothing.
   */
  releaseStep(): { step: BatchStep; released(result: RunResult | undefined): Promise<void> };
}

/**
 * POSIX sh. Args: root token label host pid. Exit 0: acquired. Exit 3: busy (prints `now TIME`
 * and the owner file). Exit 4: failure. A mkdir that fails while no lock exists afterwards (the
 * holder released it in between) is retried, so only a real failure (permissions) is exit 4. The
 * owner file is written by one printf (one write): a waiter reads it whole, or empty (as when it is
 * not there yet).
 */
const ACQUIRE_SCRIPT = `root=$1; lock=$1/${LOCK_DIR}
umask 022
if [ ! -d "$root" ]; then mkdir -p "$root" || exit 4; fi
for try in 1 2 3; do
  if err=$(mkdir "$lock" 2>&1); then
    now=$(date -u +%Y%m%d%H%M%S)
    printf 'token %s\\nlabel %s\\nhost %s\\npid %s\\ntime %s\\n' "$2" "$3" "$4" "$5" "$now" > "$lock/owner"
    echo acquired
    exit 0
  fi
  if [ -d "$lock" ]; then
    echo "now $(date -u +%Y%m%d%H%M%S)"
    cat "$lock/owner" 2>/dev/null
    exit 3
  fi
  [ -e "$lock" ] && break
done
printf '%s\\n' "$err" >&2
exit 4
`;

/** POSIX sh. Args: root token suffix. Breaks the lock only if its token is still `token` (empty: no owner file). Exit 3: changed, not broken. */
const BREAK_SCRIPT = `lock=$1/${LOCK_DIR}
cur=$(sed -n 's/^token //p' "$lock/owner" 2>/dev/null)
[ "$cur" = "$2" ] || exit 3
mv "$lock" "$lock.broken.$3" 2>/dev/null || exit 3
rm -rf "$lock.broken.$3"
`;

/** POSIX sh. Args: root token. Removes the lock if it is ours. Exit 3: not ours (broken by someone). Exit 5: no lock at all. */
const RELEASE_SCRIPT = `lock=$1/${LOCK_DIR}
[ -d "$lock" ] || exit 5
cur=
while read -r key value; do [ "$key" = token ] && cur=$value; done 2>/dev/null < "$lock/owner"
[ "$cur" = "$2" ] || exit 3
rm -rf "$lock"
`;

/** POSIX sh. Args: root token. Sets the owner file's time to now if the lock is still ours (a live holder's heartbeat). Exit 3: not ours. */
const REFRESH_SCRIPT = `lock=$1/${LOCK_DIR}
cur=$(sed -n 's/^token //p' "$lock/owner" 2>/dev/null)
[ "$cur" = "$2" ] || exit 3
now=$(date -u +%Y%m%d%H%M%S)
sed "s/^time .*/time $now/" "$lock/owner" > "$lock/owner.tmp" && mv -f "$lock/owner.tmp" "$lock/owner"
`;

/** Failures after which a lock command may or may not have run (the connection dropped, or it was killed). */
const UNKNOWN_OUTCOME = new Set(["zmgr::host::connection-lost", "zmgr::host::timeout", "zmgr::host::no-exit-status", "zmgr::host::batch"]);

function unknownOutcome(error: unknown): boolean {
  return ZmgrError.isInstance(error) && UNKNOWN_OUTCOME.has(error.code);
}

/** Parses the busy output: `now TIME` then the owner file's `key value` lines. */
function parseBusy(stdout: string): { now?: string; owner: LockOwner } {
  const fields: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp > 0) fields[line.slice(0, sp)] = line.slice(sp + 1);
  }
  const { now, ...owner } = fields;
  return { now, owner };
}

/** Milliseconds between two host stamps `YYYYMMDDhhmmss`, or undefined when either is malformed. */
function stampDiffMs(from: string | undefined, to: string | undefined): number | undefined {
  const ms = (s: string | undefined) => {
    const m = s && /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(s);
    return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
  };
  const a = ms(from);
  const b = ms(to);
  return a === undefined || b === undefined ? undefined : b - a;
}

function describeOwner(owner: LockOwner): string {
  if (!owner.token) return "a holder that has not written its owner file yet";
  return `${owner.label ?? "?"} (pid ${owner.pid ?? "?"} on ${owner.host ?? "?"}, since ${owner.time ?? "?"} UTC)`;
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, " ");
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Takes the registry lock on `host`: `mkdir ROOT/.lock` (atomic), then writes the owner file.
 * While another holder has it, waits with exponential backoff and jitter; a lock older than
 * `staleMs` by the host's clock (or without an owner file for `staleMs` of waiting) is broken
 * with a warning. Throws `zmgr::lock::timeout` naming the holder, or `zmgr::lock::failed`.
 */
export async function acquireRegistryLock(host: Host, root: string, options: LockOptions = {}): Promise<RegistryLock> {
  return acquire(host, root, options, randomBytes(12).toString("hex"));
}

/**
 * {@link acquireRegistryLock} with a given token. An attempt whose outcome is unknown (the connection
 * dropped after the command was sent) is retried; finding the lock held with our own token then means
 * that attempt took it, so it is ours, not someone's to wait for until it goes stale.
 */
async function acquire(host: Host, root: string, options: LockOptions, token: string): Promise<RegistryLock> {
  checkRoot(root);
  const timeoutMs = options.timeoutMs ?? 180_000;
  const staleMs = options.staleMs ?? 120_000;
  const maxDelay = options.maxDelayMs ?? 1_000;
  const logger = options.logger ?? { warn: (m: string) => console.warn(m) };
  const sleep = options.sleep ?? defaultSleep;
  const lockPath = absolutePath(root, LOCK_DIR);
  const label = oneLine(options.label ?? "pulumi-zmgr");
  const start = Date.now();
  let delay = options.initialDelayMs ?? 50;
  let ownerless: number | undefined;
  let lost = 0;
  for (;;) {
    const argv = ["/bin/sh", "-c", ACQUIRE_SCRIPT, "sh", root, token, label, oneLine(hostname()), String(process.pid)];
    let result: RunResult;
    try {
      result = await host.run(argv);
    } catch (err) {
      if (!unknownOutcome(err) || ++lost > 3) throw err;
      continue; // the next command reconnects; a lock this attempt took shows our token
    }
    if (result.exitCode === 0) return heldLock(host, root, token, logger, staleMs);
    if (result.exitCode !== 3) {
      throw new ZmgrError("zmgr::lock::failed", `could not create the registry lock ${lockPath} on ${host.label}: ${result.stderr.trim() || `exit code ${result.exitCode}`}`, {
        help: `check that ${root} is a writable directory for the login (or use pfexec/sudo)`,
        cause: commandFailed(host, argv.slice(0, 3), result),
        details: { path: lockPath, host: host.label },
      });
    }
    const { now, owner } = parseBusy(result.stdout);
    if (owner.token === token) return heldLock(host, root, token, logger, staleMs);
    const age = stampDiffMs(owner.time, now);
    if (owner.token) ownerless = undefined;
    else ownerless ??= Date.now();
    const stale = owner.token ? age !== undefined && age > staleMs : Date.now() - ownerless! > staleMs;
    if (stale) {
      logger.warn(`breaking stale registry lock ${lockPath} held by ${describeOwner(owner)}: older than ${Math.round(staleMs / 1000)} s`);
      await host.run(["/bin/sh", "-c", BREAK_SCRIPT, "sh", root, owner.token ?? "", token]);
      continue;
    }
    const left = start + timeoutMs - Date.now();
    if (left <= 0) {
      throw new ZmgrError("zmgr::lock::timeout", `timed out after ${Math.round(timeoutMs / 1000)} s waiting for the registry lock ${lockPath} on ${host.label}, held by ${describeOwner(owner)}`, {
        help: `wait for the other zmgr or pulumi-zmgr run to finish; if none is running, remove the stale lock: rm -r ${lockPath}`,
        details: { path: lockPath, host: host.label, owner },
      });
    }
    await sleep(Math.min(left, delay / 2 + (Math.random() * delay) / 2));
    delay = Math.min(delay * 2, maxDelay);
  }
}

/**
 * A held lock. While held, the owner file's time is refreshed every quarter of `staleMs`, so a
 * waiter never takes a live holder for a dead one however long it holds the lock. Releasing is
 * retried when its outcome is unknown or it failed; a lock found gone after such an attempt was
 * released by it.
 */
function heldLock(host: Host, root: string, token: string, logger: LockLogger, staleMs: number): RegistryLock {
  let released = false;
  const lockPath = absolutePath(root, LOCK_DIR);
  const argv = ["/bin/sh", "-c", RELEASE_SCRIPT, "sh", root, token];
  let beat: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    beat = beat.then(() => host.run(["/bin/sh", "-c", REFRESH_SCRIPT, "sh", root, token]).catch(() => undefined));
  }, Math.max(staleMs / 4, 250));
  timer.unref();
  /** Reports one release attempt's result; true when the lock is no longer ours. */
  const settled = (result: RunResult, retried: boolean): boolean => {
    if (result.exitCode === 0 || (result.exitCode === 5 && retried)) return true;
    if (result.exitCode === 3 || result.exitCode === 5) {
      logger.warn(`the registry lock ${lockPath} was broken by another process while this one held it`);
      return true;
    }
    return false;
  };
  /** Releases, retrying; `first` is the result of an attempt already made, `unknown` says one may have run unseen. */
  const releaseNow = async (first: RunResult | undefined, unknown: boolean) => {
    let retried = unknown;
    let last = "";
    if (first) {
      if (settled(first, retried)) return;
      last = first.stderr.trim() || `exit code ${first.exitCode}`;
      retried = true;
    }
    for (let attempt = 0; attempt < 3; attempt++, retried = true) {
      try {
        if (settled(await host.run(argv), retried)) return;
      } catch (err) {
        last = (err as Error).message;
      }
    }
    logger.warn(`could not release the registry lock ${lockPath}: ${last}; other runs will break it as stale after ${Math.round(staleMs / 1000)} s`);
  };
  const stop = async () => {
    clearInterval(timer);
    await beat;
  };
  const lock: RegistryLock = {
    token,
    async release() {
      if (released) return;
      released = true;
      await stop();
      await releaseNow(undefined, false);
    },
    releaseStep() {
      clearInterval(timer);
      return {
        step: { argv, always: true, onFailure: "continue" },
        released: async (result) => {
          if (released) return;
          released = true;
          await stop();
          await releaseNow(result, result === undefined); // no result: the batch died, maybe after releasing
        },
      };
    },
  };
  return lock;
}

/** What {@link acquireRegistryLockWith} runs besides taking the lock. */
export interface LockedBatch {
  /** Commands run right after the lock is taken, in the same round trip; their results are only meaningful under the lock. */
  readonly steps: readonly BatchStep[];
  /**
   * Commands that need no lock, run once in the same round trip just before taking it (probes of the host's
   * state): the lock is then not held while they run. They run again with `steps` only when the first round
   * trip's outcome is unknown (it died).
   */
  readonly before?: readonly BatchStep[];
}

/**
 * Takes the lock and runs `batch.steps` right after it in the same round trip, when the lock is free
 * (the common case: one round trip instead of two). When it is busy, waits like
 * {@link acquireRegistryLock} and then runs the steps in a second round trip. The lock is held when
 * this returns.
 */
export async function acquireRegistryLockWith(host: Host, root: string, batch: LockedBatch, options: LockOptions = {}, run: RunOptions = {}): Promise<{ lock: RegistryLock; results: BatchResult; before: BatchResult }> {
  checkRoot(root);
  const token = randomBytes(12).toString("hex");
  const label = oneLine(options.label ?? "pulumi-zmgr");
  const attempt: BatchStep = { argv: ["/bin/sh", "-c", ACQUIRE_SCRIPT, "sh", root, token, label, oneLine(hostname()), String(process.pid)] };
  const before = (batch.before ?? []).map((step) => ({ ...step, onFailure: "continue" as const }));
  let first: BatchResult | undefined;
  try {
    first = await runBatch(host, [...before, attempt, ...batch.steps], run);
  } catch (err) {
    if (!unknownOutcome(err)) throw err; // else it may have taken the lock: acquire() below finds our token
  }
  const n = before.length;
  if (first?.[n]?.exitCode === 0) {
    const lock = heldLock(host, root, token, options.logger ?? { warn: (m: string) => console.warn(m) }, options.staleMs ?? 120_000);
    return { lock, before: first.slice(0, n), results: first.slice(n + 1) };
  }
  const lock = await acquire(host, root, options, token);
  try {
    if (first) return { lock, before: first.slice(0, n), results: await runBatch(host, batch.steps, run) };
    const again = await runBatch(host, [...before, ...batch.steps], run);
    return { lock, before: again.slice(0, n), results: again.slice(n) };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

/**
 * Runs `fn` holding the registry lock and always releases it, also when `fn` throws. A failed
 * release is a warning (the lock then goes stale and is broken by the next waiter), never an
 * error that hides `fn`'s result.
 */
export async function withRegistryLock<T>(host: Host, root: string, fn: (lock: RegistryLock) => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = await acquireRegistryLock(host, root, options);
  try {
    return await fn(lock);
  } finally {
    try {
      await lock.release();
    } catch (err) {
      (options.logger ?? console).warn(`could not release the registry lock under ${root}: ${(err as Error).message}`);
    }
  }
}
