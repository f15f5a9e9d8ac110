// Benchmark (prints numbers, asserts nothing): SSH commands per second and round-trip latency, one pooled connection vs
// a fresh connection per command, against the real sshd harness; LocalHost for reference.
// Run: npx tsc --outDir .tmp/bench --rootDir . --module nodenext --moduleResolution nodenext --target ES2022 --strict --esModuleInterop --skipLibCheck --types node bench/transport.bench.ts && node .tmp/bench/bench/transport.bench.js

import { readFileSync } from "node:fs";
import type { Host } from "../provider/transport/host";
import { LocalHost } from "../provider/transport/local-host";
import { SshHost, type SshOptions } from "../provider/transport/ssh-host";
import { ensureTestUser } from "../test/harness/ssh-user";
import { startSshd, type Sshd } from "../test/harness/sshd";

interface Stats {
  readonly perSecond: number;
  readonly p50: number;
  readonly p95: number;
}

/** Runs `count` commands through `runOne`, `parallel` at a time; per-command latency and overall rate. */
async function measure(count: number, parallel: number, runOne: () => Promise<void>): Promise<Stats> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next++ < count) {
        const t = performance.now();
        await runOne();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { perSecond: count / seconds, p50: at(0.5), p95: at(0.95) };
}

async function check(host: Host): Promise<void> {
  const r = await host.run(["true"]);
  if (r.exitCode !== 0) throw new Error(`true exited ${r.exitCode}: ${r.stderr}`);
}

function row(name: string, s: Stats): void {
  console.log(`${name.padEnd(58)} ${s.perSecond.toFixed(1).padStart(8)} cmd/s   p50 ${s.p50.toFixed(1).padStart(7)} ms   p95 ${s.p95.toFixed(1).padStart(7)} ms`);
}

async function sshRows(sshd: Sshd, login: string, options: SshOptions): Promise<void> {
  const pooled = new SshHost(options);
  await check(pooled); // connect once, outside the timing
  row(`ssh ${login}: pooled, 1 at a time (300 cmds)`, await measure(300, 1, () => check(pooled)));
  row(`ssh ${login}: pooled, 8 in flight (600 cmds)`, await measure(600, 8, () => check(pooled)));
  await pooled.close();
  const before = sshd.connectionCount();
  row(
    `ssh ${login}: fresh connection per command (40 cmds)`,
    await measure(40, 1, async () => {
      const h = new SshHost(options);
      await check(h);
      await h.close();
    }),
  );
  if (sshd.connectionCount() - before !== 40) throw new Error("the fresh-connection run did not open one connection per command");
}

async function main(): Promise<void> {
  const sshd = await startSshd();
  try {
    const base: SshOptions = { host: sshd.host, port: sshd.port, privateKey: sshd.clientKey, hostKey: sshd.hostPublicKey, agent: false };
    console.log(`OpenSSH sshd on 127.0.0.1:${sshd.port}; each command is \`true\` (a session, the login shell, the pid wrapper)`);
    await sshRows(sshd, `${sshd.user} (${loginShell(sshd.user)})`, { ...base, user: sshd.user });
    if (process.getuid?.() === 0) {
      const user = ensureTestUser();
      await sshRows(sshd, `${user.name} (${loginShell(user.name)})`, { ...base, user: user.name });
    }
    const local = new LocalHost();
    row("local: child_process, 1 at a time (300 cmds)", await measure(300, 1, () => check(local)));
  } finally {
    await sshd.stop();
  }
}

function loginShell(user: string): string {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${user}:`));
  return line?.split(":")[6] ?? "?";
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
