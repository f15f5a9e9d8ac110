// Runs the real Pulumi CLI hermetically: file backend and PULUMI_HOME in a temp dir, no update checks, no plugin downloads.

import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./repo";

/** The repository root. */
export const repoRoot = REPO_ROOT;

let binDir: string | undefined;

/** The directory holding pulumi, pulumi-language-nodejs and pulumi-resource-pulumi-nodejs (built once, cached). */
export function pulumiBinDir(): string {
  binDir ??= execFileSync("bash", [path.join(repoRoot, "scripts", "pulumi-bin.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return binDir;
}

/** What a finished `pulumi` invocation printed and returned. */
export interface PulumiResult {
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
  /** Exit code. */
  readonly code: number;
}

/** Options of a {@link PulumiStack}. */
export interface PulumiStackOptions {
  /** The project directory (holds Pulumi.yaml). */
  readonly projectDir: string;
  /** Stack name (default `dev`). */
  readonly stack?: string;
  /** Extra environment for every command (SSH_AUTH_SOCK, PATH additions, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Where state and PULUMI_HOME live (default: a new temp dir). */
  readonly stateDir?: string;
}

/** One stack of one project, driven through the real CLI with a local file backend. */
export class PulumiStack {
  /** The project directory. */
  readonly projectDir: string;
  /** The stack name. */
  readonly stack: string;
  /** The directory holding the backend state and PULUMI_HOME. */
  readonly stateDir: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: PulumiStackOptions) {
    this.projectDir = options.projectDir;
    this.stack = options.stack ?? "dev";
    this.stateDir = options.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "zmgr-pulumi-"));
    fs.mkdirSync(path.join(this.stateDir, "backend"), { recursive: true });
    fs.mkdirSync(path.join(this.stateDir, "home"), { recursive: true });
    this.env = hermeticEnv(this.stateDir, options.env);
  }

  /** Runs `pulumi ARGS` in the project directory with --non-interactive. Never throws on a non-zero exit. */
  run(args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): Promise<PulumiResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(path.join(pulumiBinDir(), "pulumi"), withNonInteractive(args), {
        cwd: this.projectDir,
        env: { ...this.env, ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", reject);
      child.on("close", (code) =>
        resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), code: code ?? 1 }),
      );
    });
  }

  /** Runs `pulumi ARGS` and throws with the whole output when it fails. */
  async ok(args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): Promise<PulumiResult> {
    const r = await this.run(args, extraEnv);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    return r;
  }

  /** Creates the stack (idempotent: selects it when it exists). */
  async init(): Promise<void> {
    const r = await this.run(["stack", "select", "--create", this.stack]);
    if (r.code !== 0) throw new Error(`pulumi stack select --create failed:\n${r.stdout}${r.stderr}`);
  }

  /** Sets a stack config value (`--secret` when `secret`). */
  async setConfig(key: string, value: string, secret = false): Promise<void> {
    await this.ok(["config", "set", "--stack", this.stack, ...(secret ? ["--secret"] : ["--plaintext"]), key, "--", value]);
  }

  /** `pulumi up --yes --skip-preview`, with extra flags. */
  up(flags: readonly string[] = []): Promise<PulumiResult> {
    return this.run(["up", "--yes", "--skip-preview", "--stack", this.stack, ...flags]);
  }

  /** `pulumi preview`, with extra flags. */
  preview(flags: readonly string[] = []): Promise<PulumiResult> {
    return this.run(["preview", "--stack", this.stack, ...flags]);
  }

  /** `pulumi refresh --yes`, with extra flags. */
  refresh(flags: readonly string[] = []): Promise<PulumiResult> {
    return this.run(["refresh", "--yes", "--skip-preview", "--stack", this.stack, ...flags]);
  }

  /** `pulumi destroy --yes`, with extra flags. */
  destroy(flags: readonly string[] = []): Promise<PulumiResult> {
    return this.run(["destroy", "--yes", "--skip-preview", "--stack", this.stack, ...flags]);
  }

  /** The stack's state as `pulumi stack export` prints it (secrets stay encrypted). */
  async exportState(): Promise<{ text: string; json: StackExport }> {
    const r = await this.ok(["stack", "export", "--stack", this.stack]);
    return { text: r.stdout, json: JSON.parse(r.stdout) as StackExport };
  }

  /** The stack's outputs, secrets shown. */
  async outputs(): Promise<Record<string, unknown>> {
    const r = await this.ok(["stack", "output", "--json", "--show-secrets", "--stack", this.stack]);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  /** Removes the state directory. */
  dispose(): void {
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** The parts of `pulumi stack export` that tests read. */
export interface StackExport {
  /** The deployment. */
  readonly deployment: { readonly resources?: readonly ExportedResource[] };
}

/** One resource of an exported deployment. */
export interface ExportedResource {
  /** URN. */
  readonly urn: string;
  /** Type token. */
  readonly type: string;
  /** Provider-assigned id. */
  readonly id?: string;
  /** Inputs as stored. */
  readonly inputs?: Record<string, unknown>;
  /** Outputs as stored. */
  readonly outputs?: Record<string, unknown>;
}

/** `args` with --non-interactive added before any `--` (after it, the flag would be a positional argument). */
function withNonInteractive(args: readonly string[]): string[] {
  const dash = args.indexOf("--");
  return dash < 0 ? [...args, "--non-interactive"] : [...args.slice(0, dash), "--non-interactive", ...args.slice(dash)];
}

/** The environment of a hermetic CLI run rooted at `stateDir`. */
export function hermeticEnv(stateDir: string, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const bin = pulumiBinDir();
  return {
    ...process.env,
    PATH: `${bin}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`,
    PULUMI_BACKEND_URL: `file://${path.join(stateDir, "backend")}`,
    PULUMI_HOME: path.join(stateDir, "home"),
    PULUMI_CONFIG_PASSPHRASE: "zmgr-test-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    NO_COLOR: "1",
    ...extra,
  };
}

/**
 * Makes a directory where Pulumi programs can `import "pulumi-zmgr"` as users do: the package
 * built and `npm pack`-ed into node_modules (a real copy), other dependencies linked.
 */
export function installedWorkspace(dir: string, tarball?: string): string {
  execFileSync("bash", [path.join(repoRoot, "scripts", "pack-install.sh"), dir, ...(tarball ? [tarball] : [])], { stdio: ["ignore", "ignore", "inherit"] });
  return dir;
}
