// Test helpers: a registry root in a temp dir, a Host that counts and can intercept commands.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Host, RunOptions, RunResult } from "../../provider/transport/host";
import { LocalHost } from "../../provider/transport/local-host";

/** A fresh registry root (absolute), removed by `cleanup`. */
export function tempRoot(): { root: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), "zmgr-reg-"));
  const root = join(base, "etc", "zmgr");
  mkdirSync(root, { recursive: true });
  return { root, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** Writes files under `root` (relative path → text). */
export function put(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

/** A LocalHost that counts commands and lets a test hook before/after each. */
export class SpyHost implements Host {
  readonly label = "spy";
  readonly inner = new LocalHost();
  calls: (readonly string[])[] = [];
  before?: (argv: readonly string[], options: RunOptions) => Promise<void> | void;
  after?: (argv: readonly string[], result: RunResult) => Promise<void> | void;

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push(argv);
    await this.before?.(argv, options);
    const result = await this.inner.run(argv, options);
    await this.after?.(argv, result);
    return result;
  }

  async close(): Promise<void> {}
}

/** A minimal valid pool file. */
export function poolFile(name: string, network: string, extra = ""): string {
  return `pool "${name}" {\n    network "${network}"\n    stub "zstub0"\n${extra}}\n`;
}

/** A minimal zone file holding addresses. */
export function zoneFile(name: string, ...addresses: string[]): string {
  return `zone "${name}" {\n    brand "ipkg"\n${addresses.map((a) => `    address "${a}"\n`).join("")}}\n`;
}

/** Shells to run the registry scripts with: /bin/sh plus bash and ksh93 (illumos' /bin/sh) when installed. */
export function shells(): string[] {
  const seen = new Set<string>();
  return ["/bin/sh", "/bin/bash", "/usr/bin/ksh93", "/bin/ksh93"].filter((s) => {
    const name = basename(s);
    if (!existsSync(s) || seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/** A LocalHost that runs `/bin/sh -c` scripts with another shell. */
export class ShellHost implements Host {
  readonly label: string;
  private readonly inner = new LocalHost();
  constructor(private readonly shell: string) {
    this.label = `local(${shell})`;
  }
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
    return this.inner.run(argv[0] === "/bin/sh" ? [this.shell, ...argv.slice(1)] : argv, options);
  }
  async close(): Promise<void> {}
}
