// A separate process for the concurrency test: claims N addresses from one pool through LocalHost and prints them as JSON.

import { claimAddress } from "../../provider/ipam/claim";
import { LocalHost } from "../../provider/transport/local-host";

async function main(): Promise<void> {
  const [root, id, count, pool] = process.argv.slice(2);
  const host = new LocalHost();
  const claimed: Record<string, string> = {};
  for (let i = 0; i < Number(count); i++) {
    const name = `w${id}-${i}`;
    const result = await claimAddress(host, root!, { zone: { name, brand: "ipkg" }, pool: pool! }, { lock: { label: `worker ${id}`, initialDelayMs: 5, maxDelayMs: 100, timeoutMs: 120_000 } });
    claimed[name] = result.addresses[0]!;
  }
  process.stdout.write(JSON.stringify(claimed));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
