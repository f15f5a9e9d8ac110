// Teardown that also runs on Ctrl-C: every sshd, simulated host and workspace the benchmark makes registers here.

const pending = new Set<() => Promise<void> | void>();

/** Registers `fn` to run if the benchmark is interrupted; returns the unregister. */
export function onInterrupt(fn: () => Promise<void> | void): () => void {
  pending.add(fn);
  return () => pending.delete(fn);
}

/** Runs every registered teardown once (errors ignored), then exits with `code`. */
async function interrupted(code: number): Promise<never> {
  const fns = [...pending];
  pending.clear();
  await Promise.allSettled(fns.map(async (fn) => fn()));
  process.exit(code);
}

/** Installs the SIGINT/SIGTERM handlers. */
export function handleInterrupts(log: (line: string) => void): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping sshd, removing simulated hosts and workspaces`);
      void interrupted(130);
    });
  }
}
