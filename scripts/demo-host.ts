// Starts a simulated illumos host behind a real sshd on loopback for the quickstart demo; stops it on SIGTERM/SIGINT.
// Usage (compiled by scripts/demo.sh): node demo-host.js DIR   → writes DIR/host.json and DIR/ready when up.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSimHost } from "../test/harness/sim";
import { startSshd } from "../test/harness/sshd";

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: demo-host DIR");
  const sim = await createSimHost({ installDelayMs: 300 });
  const sshd = await startSshd({ simRoot: sim.root });
  writeFileSync(
    join(dir, "host.json"),
    JSON.stringify({ host: sshd.host, port: sshd.port, user: sshd.user, keyPath: sshd.clientKeyPath, hostKey: sshd.hostPublicKey, simRoot: sim.root, zonesDir: sim.zonesDir, registryRoot: join(sim.root, "etc", "zmgr") }, null, 2),
  );
  writeFileSync(join(dir, "ready"), "");
  const stop = async () => {
    await sshd.stop();
    sim.remove();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  setInterval(() => undefined, 1 << 30);
}

main().catch((err: unknown) => {
  console.error(`demo-host: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
