// A real ssh-agent for tests, holding the keys given; stopped with stop().

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { within } from "./sshd";

/** A running ssh-agent. */
export interface SshAgent {
  /** Its socket: the value for SSH_AUTH_SOCK or the `agent` option. */
  readonly socket: string;
  /** Kills the agent and removes its socket dir. */
  stop(): Promise<void>;
}

/** Starts `ssh-agent -D` on a private socket and `ssh-add`s each key file. */
export async function startAgent(keyPaths: readonly string[]): Promise<SshAgent> {
  const dir = mkdtempSync(join(tmpdir(), "zmgr-agent-"));
  const socket = join(dir, "agent.sock");
  const agent = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
  const failed = new Promise<Error>((done) => agent.once("error", done));
  const exited = new Promise<void>((done) => agent.once("exit", () => done()));
  const stop = async () => {
    agent.kill("SIGTERM");
    await within(exited, 2000);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 5000;
  while (!existsSync(socket)) {
    const error = await Promise.race([failed, new Promise<undefined>((done) => setTimeout(() => done(undefined), 20))]);
    if (error || agent.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`ssh-agent did not start (install openssh-client): ${error?.message ?? `exit ${agent.exitCode}`}`);
    }
  }
  for (const key of keyPaths) {
    const r = spawnSync("ssh-add", ["-q", key], { encoding: "utf8", env: { ...process.env, SSH_AUTH_SOCK: socket } });
    if (r.status !== 0) {
      await stop();
      throw new Error(`ssh-add ${key} failed: ${r.stderr}`);
    }
  }
  return { socket, stop };
}
