// `npm run bench` (via scripts/bench.sh): every benchmark of the issue, then bench/results.json, results.md and chart.svg.
// Environment: BENCH_SIZES=10,50,200  BENCH_SIDES=zmgr,command  BENCH_OVERHEAD_ZONES=30  BENCH_SEQUENTIAL_ZONES=10
//              BENCH_MICRO=1  BENCH_TIMEOUT_MIN=15 (per CLI run)  BENCH_OUT=<dir> (default bench/)  BENCH_WAIT_QUIET=<min>
//              ZMGR_COMMAND_PLUGIN_DIR (set by scripts/bench.sh)

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { pulumiBinDir } from "../test/harness/pulumi";
import { REPO_ROOT } from "../test/harness/repo";
import { packPackage, startBenchHost } from "./bench-host";
import { handleInterrupts, onInterrupt } from "./cleanup";
import { runScenario, type ScenarioResult, type Side } from "./engine-scenario";
import { measureIpam, measureRegistryScan } from "./ipam-scan";
import { measureProviderOverhead } from "./provider-overhead";
import { renderChart, renderMarkdown, renderReadmeSection } from "./report";
import { evaluateTargets, type BaselineInfo, type BenchEnvironment, type BenchResults, type MicroBench } from "./results";
import { toolStartupMs } from "./tool-startup";
import { unloggedToolCpuMs } from "./cpu";
import { toolSpansOfRun } from "./tool-spans";

const started = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

function listEnv(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback)
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
}

function numberEnv(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${process.env[name]}`);
  return v;
}

function environment(load0: number): BenchEnvironment {
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], cwd: REPO_ROOT }).trim();
    } catch (err) {
      return ((err as { stderr?: string }).stderr ?? "").trim() || "unknown";
    }
  };
  const dirty = sh("git", ["status", "--porcelain"]) !== "";
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown",
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    pulumi: `pulumi ${sh(join(pulumiBinDir(), "pulumi"), ["version"])}`,
    sshd: (spawnSync("ssh", ["-V"], { encoding: "utf8" }).stderr ?? "").trim().split(",")[0] || "unknown", // -V prints to stderr
    commit: sh("git", ["rev-parse", "--short", "HEAD"]) + (dirty ? "+dirty" : ""),
    loadavg: [round2(load0), round2(loadavg()[0]!)],
  };
}

/** What `pulumi up --help` gives as the --parallel default (neither side sets it); 8 when it cannot tell. */
function cliParallelDefault(): number {
  try {
    const help = execFileSync(join(pulumiBinDir(), "pulumi"), ["up", "--help"], { encoding: "utf8" });
    return Number(/--parallel int32 .*\(default (\d+)\)/.exec(help)?.[1] ?? 8);
  } catch {
    return 8;
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function baselineInfo(): BaselineInfo {
  const dir = process.env.ZMGR_COMMAND_PLUGIN_DIR;
  const plugin = dir ? join(dir, "pulumi-resource-command") : undefined;
  if (!plugin || !existsSync(plugin)) return { available: false, provenance: process.env.ZMGR_COMMAND_PLUGIN_NOTE || "pulumi-resource-command not found (scripts/bench-command-plugin.sh)" };
  const provenanceFile = join(dirname(dir!), "PROVENANCE.md");
  const provenance = existsSync(provenanceFile) ? readFileSync(provenanceFile, "utf8").split("\n")[0]!.trim() : process.env.ZMGR_COMMAND_PLUGIN_NOTE;
  return { available: true, plugin, provenance };
}

/** Runs one of the older bench/*.bench.ts files (compiled next to this one) and returns what it printed. */
function micro(name: string): MicroBench {
  const file = join(__dirname, name.replace(/\.ts$/, ".js"));
  try {
    const output = execFileSync(process.execPath, [file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 5 * 60_000 });
    return { name, output };
  } catch (err) {
    return { name, output: `failed: ${(err as Error).message}` };
  }
}

/** With BENCH_WAIT_QUIET=<minutes>: waits (at most that long) until the 1-minute load average is below half the CPUs. */
async function waitQuiet(): Promise<void> {
  const minutes = Number(process.env.BENCH_WAIT_QUIET ?? 0);
  if (!(minutes > 0)) return;
  const deadline = Date.now() + minutes * 60_000;
  while (loadavg()[0]! >= cpus().length / 2 && Date.now() < deadline) {
    log(`waiting for a quiet machine: load average ${loadavg()[0]!.toFixed(2)}`);
    await new Promise((r) => setTimeout(r, 15_000));
  }
}

async function main(): Promise<void> {
  handleInterrupts(log);
  await waitQuiet();
  const load0 = loadavg()[0]!;
  const sizes = listEnv("BENCH_SIZES", "10,50,200").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`BENCH_SIZES must be positive integers, got ${process.env.BENCH_SIZES}`);
  sizes.sort((a, b) => a - b);
  const baseline = baselineInfo();
  const sides = listEnv("BENCH_SIDES", "zmgr,command").filter((s): s is Side => s === "zmgr" || s === "command");
  const runSides = sides.filter((s) => s === "zmgr" || baseline.available);
  const overheadZones = numberEnv("BENCH_OVERHEAD_ZONES", 30);
  const timeoutMs = numberEnv("BENCH_TIMEOUT_MIN", 15) * 60_000;
  const outDir = process.env.BENCH_OUT ?? join(REPO_ROOT, "bench");
  log(`sizes ${sizes.join(", ")}; sides ${runSides.join(", ")}${baseline.available ? "" : ` (baseline skipped: ${baseline.provenance})`}; results into ${outDir}`);

  const work = mkdtempSync(join(tmpdir(), "zmgr-bench-pack-"));
  const forgetWork = onInterrupt(() => rmSync(work, { recursive: true, force: true }));
  try {
    log("building and packing pulumi-zmgr");
    const tarball = packPackage(work);

    const toolSpans = toolSpansOfRun();
    log(toolSpans ? `tool time from strace (${process.env.BENCH_STRACE_FILE})` : "no strace: tool time = logged ms + calibrated start-up");
    log("calibrating the simulator's per-command start-up");
    const calib = await startBenchHost();
    const unloggedCpuMs = unloggedToolCpuMs(calib.sim.root);
    const startup = await toolStartupMs(calib).finally(() => calib.close());
    log(`one simulated tool run costs ${startup} ms outside its logged time; ${unloggedCpuMs} ms of its CPU is not in its logged cpuMs`);

    log(`per-zone provider overhead in process: ${overheadZones} zones, one at a time`);
    const parallel = cliParallelDefault();
    const providerOverhead = await measureProviderOverhead(overheadZones, startup, parallel);
    log(`create: ${providerOverhead.create.overheadMedianMs} ms overhead median, ${providerOverhead.create.roundTripsPerCall} round trips; read: ${providerOverhead.read.overheadMedianMs} ms; delete: ${providerOverhead.delete.overheadMedianMs} ms`);

    log("IPAM: /16 with 60,000 taken");
    const ipam = await measureIpam();
    log(`allocation ${ipam.fromZoneModelsMs} ms (from zone models), ${ipam.allocateMs} ms (allocate alone)`);
    log("registry: 1,000 zone files over SSH");
    const registryScan = await measureRegistryScan();
    log(`scan ${registryScan.scanMs} ms, scan + parse ${registryScan.readMs} ms, claim + release ${registryScan.claimReleaseMs} ms`);

    const engine: ScenarioResult[] = [];
    for (const n of sizes) {
      for (const side of runSides) {
        log(`real CLI: ${side} with ${n} zones (up, refresh, no-change up, destroy)`);
        try {
          engine.push(await runScenario(side, n, { tarball, commandPluginDir: baseline.available ? dirname(baseline.plugin!) : undefined, toolStartupMs: startup, unloggedCpuMs, toolSpans, timeoutMs, log }));
        } catch (err) {
          log(`${side} N=${n} could not run: ${(err as Error).message}`);
          engine.push({ side, zones: n, phases: [] });
        }
      }
    }

    const sequential = Number(process.env.BENCH_SEQUENTIAL_ZONES ?? 10);
    if (sequential > 0) {
      for (const side of runSides) {
        log(`real CLI, one operation at a time: ${side} with ${sequential} zones, --parallel 1`);
        try {
          engine.push(await runScenario(side, sequential, { tarball, commandPluginDir: baseline.available ? dirname(baseline.plugin!) : undefined, toolStartupMs: startup, unloggedCpuMs, toolSpans, timeoutMs, log, parallel: 1 }));
        } catch (err) {
          log(`${side} N=${sequential} --parallel 1 could not run: ${(err as Error).message}`);
        }
      }
    }

    const microBenches: MicroBench[] = [];
    if (process.env.BENCH_MICRO !== "0") {
      for (const name of ["ipam.bench.ts", "registry.bench.ts", "transport.bench.ts"]) {
        log(`micro benchmark ${name}`);
        microBenches.push(micro(name));
      }
    }

    const partial = {
      generatedAt: new Date().toISOString(),
      durationS: Math.round((performance.now() - started) / 1000),
      environment: environment(load0),
      settings: { sizes, parallel: `CLI default (--parallel ${parallel})`, installDelayMs: 0 as const, toolStartupMs: startup, overheadZones },
      baseline,
      engine,
      providerOverhead,
      ipam,
      registryScan,
      micro: microBenches,
    };
    const results: BenchResults = { ...partial, targets: evaluateTargets(partial) };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "results.json"), JSON.stringify(results, null, 2) + "\n");
    writeFileSync(join(outDir, "results.md"), renderMarkdown(results));
    writeFileSync(join(outDir, "chart.svg"), renderChart(results));
    log(`wrote ${join(outDir, "results.json")}, results.md, chart.svg`);
    const readme = join(outDir, "README.md");
    if (existsSync(readme)) {
      const text = readFileSync(readme, "utf8");
      const updated = text.replace(/(<!-- targets:start -->\n)[\s\S]*?(\n<!-- targets:end -->)/, (_m, a: string, b: string) => a + renderReadmeSection(results) + b);
      if (updated !== text) writeFileSync(readme, updated);
    }
    for (const t of results.targets) log(`${t.met === null ? "n/a   " : t.met ? "MET   " : "MISSED"} ${t.name}: ${t.measured}`);
  } finally {
    forgetWork();
    rmSync(work, { recursive: true, force: true });
    if (process.env.BENCH_STRACE_FILE) rmSync(process.env.BENCH_STRACE_FILE, { force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
