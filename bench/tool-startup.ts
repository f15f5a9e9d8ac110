// Calibration: what one simulated tool run costs outside its logged `ms` (the sh shim, `find`, Node start-up).
// A real zoneadm or dladm starts in a few ms; the simulator's Node start-up is an artefact the overhead figures remove.

import { SshHost } from "../provider/transport/ssh-host";
import type { BenchHost } from "./bench-host";
import { readCommandLog } from "../test/harness/sim";
import { median, round1 } from "./stats";

/** Samples of one simulated tool run's start-up, taken over SSH as the provider runs tools. */
export interface StartupProbe {
  /** One sample: (round trip of a cheap read-only tool − its logged ms) − (round trip of `true` just before), ms. */
  sample(): Promise<number>;
  /** Closes the probe's SSH connection. */
  close(): Promise<void>;
}

/**
 * A probe on its own SSH connection to `host`. What a sample leaves out, the SSH session, login shell and pid wrapper
 * that every round trip pays (and that the provider chooses to pay), stays counted as provider overhead.
 */
export function startupProbe(host: BenchHost): StartupProbe {
  const { sshd, sim } = host;
  const ssh = new SshHost({ host: sshd.host, port: sshd.port, user: sshd.user, privateKey: sshd.clientKey, hostKey: sshd.hostPublicKey, agent: false });
  const probes = [
    ["zoneadm", "list", "-cp"],
    ["dladm", "show-vnic", "-p", "-o", "link"],
    ["zonecfg", "-z", "global", "info", "brand"],
  ];
  let next = 0;
  const timed = async (argv: string[]) => {
    const t = performance.now();
    await ssh.run(argv);
    return performance.now() - t;
  };
  return {
    async sample() {
      const empty = await timed(["true"]);
      const wall = await timed(probes[next++ % probes.length]!);
      return wall - (readCommandLog(sim.root).at(-1)?.ms ?? 0) - empty;
    },
    close: () => ssh.close(),
  };
}

/** The median of `samples` probe samples after a warm-up (connect, the simulator's JS cache, the page cache), ms. */
export async function toolStartupMs(host: BenchHost, samples = 45): Promise<number> {
  const probe = startupProbe(host);
  try {
    await probe.sample();
    const values: number[] = [];
    for (let i = 0; i < samples; i++) values.push(await probe.sample());
    return round1(median(values));
  } finally {
    await probe.close();
  }
}
