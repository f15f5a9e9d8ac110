// Directory locks with owner pids: the host-wide state lock and per-zone zoneadm locks.
//
// A lock is a directory holding an `owner` file ("<pid> <ms>"). It is taken by renaming a
// private, already-populated directory onto the lock path, which fails while the lock exists,
// so a lock never exists without its owner. A lock whose owner pid is dead is stale: it is
// broken under a short-lived `<lock>.break` directory, by renaming it away, so two breakers
// can never remove a fresh lock.

import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, rmdirSync } from "node:fs";
import { dirname } from "node:path";
import { pidAlive, sleepSync } from "./fsutil.ts";

let counter = 0;

function readOwner(lock: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(`${lock}/owner`, "utf8").split(" ")[0] ?? "", 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function breakStale(lock: string, deadPid: number): void {
  const breaker = `${lock}.break`;
  try {
    mkdirSync(breaker);
  } catch {
    if (ageMs(breaker) > 2000) rmSync(breaker, { recursive: true, force: true });
    return;
  }
  try {
    if (readOwner(lock) === deadPid) {
      const away = `${lock}.stale.${process.pid}.${++counter}`;
      renameSync(lock, away);
      rmSync(away, { recursive: true, force: true });
    }
  } catch {
    /* someone else changed it: retry from the top */
  } finally {
    try {
      rmdirSync(breaker);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Takes the lock at `lock`. With `wait`, retries until it is free (breaking stale locks);
 * without, returns false at once when a live process holds it.
 */
export function acquireLock(lock: string, wait: boolean): boolean {
  mkdirSync(dirname(lock), { recursive: true });
  const mine = `${lock}.new.${process.pid}.${++counter}`;
  mkdirSync(mine);
  writeFileSync(`${mine}/owner`, `${process.pid} ${Date.now()}\n`);
  let delay = 1;
  for (;;) {
    try {
      renameSync(mine, lock);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST" && code !== "ENOTEMPTY" && code !== "EISDIR") {
        rmSync(mine, { recursive: true, force: true });
        throw e;
      }
    }
    const owner = readOwner(lock);
    if (owner === process.pid) {
      rmSync(mine, { recursive: true, force: true });
      return true;
    }
    if (owner !== undefined && !pidAlive(owner)) {
      breakStale(lock, owner);
      continue;
    }
    if (owner === undefined && ageMs(lock) > 2000) {
      breakStale(lock, NaN);
      try {
        rmdirSync(lock); // an empty lock directory left by a crash
      } catch {
        /* not empty or gone */
      }
      continue;
    }
    if (!wait) {
      rmSync(mine, { recursive: true, force: true });
      return false;
    }
    sleepSync(delay + Math.floor(Math.random() * 3));
    delay = Math.min(delay * 2, 20);
  }
}

/** Releases a lock held by this process (a lock held by another process is left alone). */
export function releaseLock(lock: string): void {
  if (readOwner(lock) !== process.pid) return;
  const away = `${lock}.rel.${process.pid}.${++counter}`;
  try {
    renameSync(lock, away);
    rmSync(away, { recursive: true, force: true });
  } catch {
    /* already gone */
  }
}

/** Runs `fn` while holding `lock` (waiting for it), releasing it afterwards. */
export function withLock<T>(lock: string, fn: () => T): T {
  acquireLock(lock, true);
  try {
    return fn();
  } finally {
    releaseLock(lock);
  }
}
