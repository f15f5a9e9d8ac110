// Renders bench/results.json as bench/results.md (tables) and bench/chart.svg (up time by N, refresh cost per zone).

import type { PhaseResult, Side } from "./engine-scenario";
import { cpuPerZone, phaseOf, speedupWithoutTools, type BenchResults } from "./results";
import { round1 } from "./stats";

const SIDE_LABEL: Record<Side, string> = { zmgr: "pulumi-zmgr", command: "remote.Command" };
const mark = (met: boolean | null) => (met === null ? "not measured" : met ? "**met**" : "**missed**");
const s = (ms: number) => (ms / 1000).toFixed(1);

/** The markdown report. */
export function renderMarkdown(r: BenchResults): string {
  const e = r.environment;
  const lines: string[] = [
    "# pulumi-zmgr benchmark results",
    "",
    `Generated ${r.generatedAt} by \`npm run bench\` (${Math.round(r.durationS)} s) at ${e.commit}. Machine: ${e.cpus} × ${e.cpuModel}, ${e.memGiB} GiB, Node ${e.node}, ${e.pulumi}, ${e.sshd}; load average ${e.loadavg[0]} at start, ${e.loadavg[1]} at end.`,
    `Simulated host (test/sim, install delay 0) behind a real sshd on 127.0.0.1; CLI parallelism: ${r.settings.parallel}. Method: bench/README.md.`,
    "",
    "![pulumi up wall time and refresh cost per zone](chart.svg)",
    "",
    "## Targets",
    "",
    "| Target | Goal | Measured | |",
    "| --- | --- | --- | --- |",
    ...r.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${mark(t.met)} |`),
    "",
    "## Real CLI runs",
    "",
    "Each side on a fresh host: `pulumi up` (create), `pulumi refresh`, `pulumi up --expect-no-changes`, `pulumi destroy`.",
    "Round trips = remote commands (remote.Command: SSH exec sessions, from the sshd log; pulumi-zmgr: commands its SshHost ran, exec sessions and shell-session commands, counted in its plugin); tools = simulated illumos commands (simulator log); tool processes = sum of their lifetimes",
    "(strace; the host-side work, CPU-bound Node processes in the simulator); outside tools = (sum of the engine's Create/Read/Delete call",
    "times − time in tool processes) / N, under the CLI's parallelism; plugin = peak RSS of the provider process.",
    "",
    "| Side | N | Run | Wall s | SSH conns | Round trips (/zone) | Tools (/zone) | Tool processes s | Outside tools ms/zone | Plugin peak MiB |",
    "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const sc of r.engine) {
    const side = SIDE_LABEL[sc.side] + (sc.parallel ? ` (--parallel ${sc.parallel})` : "");
    for (const p of sc.phases) lines.push(phaseRow(side, sc.zones, p));
  }
  if (!r.baseline.available) lines.push("", `The baseline did not run: ${r.baseline.provenance ?? "pulumi-resource-command not found"}.`);
  if (r.baseline.plugin) lines.push("", `Baseline plugin: \`${r.baseline.plugin}\`${r.baseline.provenance ? ` (${r.baseline.provenance})` : ""}.`);

  lines.push(...cpuSection(r));

  const sequential = r.engine.filter((sc) => sc.parallel === 1);
  if (sequential.length) {
    lines.push(
      "",
      "## Provider time per zone outside the tools, one operation at a time",
      "",
      "From the `--parallel 1` runs: (sum of the engine's Create / Read / Delete call times − simulated tool time incl. start-up) / N.",
      "This is each provider's own cost per zone (gRPC, SSH connection and sessions, shells, its logic), the same measure for both sides.",
      "",
      "| Side | N | up (Create) ms/zone | refresh (Read) ms/zone | destroy (Delete) ms/zone |",
      "| --- | ---: | ---: | ---: | ---: |",
    );
    for (const sc of sequential) {
      const v = (phase: string) => sc.phases.find((p) => p.phase === phase && p.ok)?.outsideToolsMsPerZone ?? "–";
      lines.push(`| ${SIDE_LABEL[sc.side]} | ${sc.zones} | ${v("up")} | ${v("refresh")} | ${v("destroy")} |`);
    }
  }

  const sizes = r.settings.sizes;
  lines.push("", "## Refresh scaling (pulumi-zmgr)", "", "| N | Round trips / zone | Tools / zone | Wall ms / zone | Read call median ms |", "| ---: | ---: | ---: | ---: | ---: |");
  for (const n of sizes) {
    const p = phaseOf(r.engine, "zmgr", n, "refresh");
    if (p) lines.push(`| ${n} | ${round1(p.host.roundTrips / n)} | ${round1(p.host.commands / n)} | ${round1(p.wallMs / n)} | ${p.rpc?.medianMs ?? "–"} |`);
  }

  const o = r.providerOverhead;
  if (o) {
    lines.push(
      "",
      `## Per-zone provider overhead (in process, ${o.zones} zones one at a time)`,
      "",
      o.create.toolTime === "strace"
        ? "Wall time of `zoneProvider.create/read/delete` minus the time inside simulated tool processes (each one's lifetime, exec to exit, from the run's strace)."
        : `Wall time of \`zoneProvider.create/read/delete\` minus the simulated tools' logged time and their start-up (no strace: calibrated over SSH between the calls).`,
      "",
      "| Call | Wall median ms | Overhead median ms | Overhead p95 ms | Wall − logged tool ms | In Node ms | Round trips | Tools | Tool start-up ms/run |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const [name, op] of [["create", o.create], ["read", o.read], ["delete", o.delete]] as const) {
      lines.push(`| ${name} | ${op.wallMedianMs} | ${op.overheadMedianMs} | ${op.overheadP95Ms} | ${op.overheadRawMedianMs} | ${op.inProcessMedianMs} | ${op.roundTripsPerCall} | ${op.toolRunsPerCall} | ${op.toolStartupMs} |`);
    }
    lines.push("", `Concurrent read of all ${o.zones} zones: ${o.concurrentRead.roundTrips} round trips in all (${o.concurrentRead.roundTripsPerZone} per zone) and ${o.concurrentRead.toolRunsPerZone} tool runs per zone, ${o.concurrentRead.wallMs} ms in all.`);
    for (const [name, op] of [["create", o.create], ["delete", o.delete]] as const) {
      const together = name === "create" ? o.concurrent.createRoundTrips : o.concurrent.deleteRoundTrips;
      lines.push(
        "",
        `Round trips of one ${name}, alone and with ${o.concurrent.parallel} at a time (outside tools: the round trip's wall time minus the tool processes in it):`,
        "",
        `| Round trip | Per call, alone | Median ms, alone | Outside tools ms, alone | Per zone, ${o.concurrent.parallel} at a time |`,
        "| --- | ---: | ---: | ---: | ---: |",
      );
      const kinds = [...new Set([...op.roundTrips.map((t) => t.kind), ...together.map((t) => t.kind)])];
      for (const kind of kinds) {
        const alone = op.roundTrips.find((t) => t.kind === kind);
        lines.push(`| \`${kind.replace(/\|/g, "\\|")}\` | ${alone?.perCall ?? 0} | ${alone?.medianMs ?? "–"} | ${alone?.outsideToolsMs ?? "–"} | ${together.find((t) => t.kind === kind)?.perZone ?? 0} |`);
      }
    }
    lines.push("", `${o.zones} creates, ${o.concurrent.parallel} at a time: ${o.concurrent.createWallMs} ms; ${o.zones} deletes, ${o.concurrent.parallel} at a time: ${o.concurrent.deleteWallMs} ms.`);
  }

  lines.push("", "## IPAM and registry", "");
  if (r.ipam) lines.push(`- Allocation in ${r.ipam.network} with ${r.ipam.taken.toLocaleString("en")} taken: ${r.ipam.fromZoneModelsMs} ms from zone models, ${r.ipam.allocateMs} ms for allocate() alone (→ ${r.ipam.got}).`);
  if (r.registryScan) {
    const g = r.registryScan;
    lines.push(`- ${g.files.toLocaleString("en")} zone files over SSH: scan ${g.scanMs} ms (one round trip), scan + parse ${g.readMs} ms, claim + release of one more address ${g.claimReleaseMs} ms.`);
  }
  for (const m of r.micro) lines.push("", `### ${m.name}`, "", "```", m.output.trimEnd(), "```");
  return lines.join("\n") + "\n";
}

/** The README's performance section: targets and the headline numbers of `r`. */
export function renderReadmeSection(r: BenchResults): string {
  const e = r.environment;
  const lines = [
    `Run of ${r.generatedAt.slice(0, 10)} at ${e.commit} on ${e.cpus} × ${e.cpuModel} (load average ${e.loadavg[0]} → ${e.loadavg[1]}).`,
    "",
    "| Target | Goal | Measured | |",
    "| --- | --- | --- | --- |",
    ...r.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${mark(t.met)} |`),
    "",
    "| N | `pulumi up` pulumi-zmgr | `pulumi up` remote.Command | refresh pulumi-zmgr | destroy pulumi-zmgr | destroy remote.Command | dynamic provider peak RSS |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const n of r.settings.sizes) {
    const w = (side: Side, phase: string) => {
      const p = phaseOf(r.engine, side, n, phase);
      return p ? `${s(p.wallMs)} s` : "–";
    };
    const peak = Math.max(0, ...(r.engine.find((sc) => sc.side === "zmgr" && sc.zones === n && !sc.parallel)?.phases.map((p) => p.pluginPeakMiB ?? 0) ?? []));
    lines.push(`| ${n} | ${w("zmgr", "up")} | ${w("command", "up")} | ${w("zmgr", "refresh")} | ${w("zmgr", "destroy")} | ${w("command", "destroy")} | ${peak ? `${peak} MiB` : "–"} |`);
  }
  return lines.join("\n");
}

/** Where the CPU of each `pulumi up` went, per zone, and what that allows. */
function cpuSection(r: BenchResults): string[] {
  const rows = r.engine
    .filter((sc) => !sc.parallel)
    .map((sc) => ({ sc, p: sc.phases.find((p) => p.phase === "up" && p.ok) }))
    .filter(({ p }) => p?.cpu);
  if (!rows.length) return [];
  const out = [
    "",
    "## Where the CPU of `pulumi up` goes",
    "",
    `With many zones both sides keep the ${r.environment.cpus} CPUs nearly busy (CPU / wall), so wall time follows total CPU. CPU (user + system) from /proc:`,
    "engine = the `pulumi` process tree (engine, language host, program) without the plugin; plugin = the provider process;",
    "simulated tools = the CPU each tool process logged (Node start-up included) plus what a run costs outside it (shim's children, exit); host other =",
    "the rest of the machine's busy time (/proc/stat) outside the CLI's tree and the benchmark itself: the sshd and what it ran",
    "besides the tools (shells, `sh -c` scripts, `cat`, `mv`…), and any other load on the machine. Per zone, ms.",
    "",
    "| Side | N | Wall s | CPU s | CPU / wall | Simulated tools | Host other | Plugin | Engine | Total | Total without tools |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const { sc, p } of rows) {
    const c = cpuPerZone(p, sc.zones)!;
    const cpuS = (c.total * sc.zones) / 1000;
    out.push(`| ${SIDE_LABEL[sc.side]} | ${sc.zones} | ${s(p!.wallMs)} | ${cpuS.toFixed(1)} | ${(cpuS / (p!.wallMs / 1000)).toFixed(2)} | ${c.tools} | ${c.hostOther} | ${c.plugin} | ${c.engine} | ${c.total} | ${round1(c.total - c.tools)} |`);
  }
  for (const n of r.settings.sizes) {
    const bound = speedupWithoutTools(cpuPerZone(phaseOf(r.engine, "zmgr", n, "up"), n), cpuPerZone(phaseOf(r.engine, "command", n, "up"), n));
    if (bound !== undefined) out.push("", `N = ${n}: with the simulated tools' CPU taken out of both sides, a CPU-bound \`pulumi up\` of pulumi-zmgr could be at most ${bound.toFixed(2)}× as fast as remote.Command's.`);
  }
  return out;
}

function phaseRow(side: string, n: number, p: PhaseResult): string {
  const h = p.host;
  const cells = [
    side,
    String(n),
    p.ok ? p.phase : `${p.phase} (failed: ${(p.problem ?? "").split("\n")[0]!.slice(0, 80)})`,
    s(p.wallMs),
    String(h.connections),
    `${h.roundTrips} (${round1(h.roundTrips / n)})`,
    `${h.commands} (${round1(h.commands / n)})`,
    p.toolProcessMs === undefined ? "–" : s(p.toolProcessMs),
    p.outsideToolsMsPerZone === undefined ? "–" : String(p.outsideToolsMsPerZone),
    p.pluginPeakMiB === undefined ? "–" : String(p.pluginPeakMiB),
  ];
  return `| ${cells.join(" | ")} |`;
}

/** A two-panel SVG: `pulumi up` wall time by N for both sides; pulumi-zmgr `refresh` wall ms and round trips per zone by N. */
export function renderChart(r: BenchResults): string {
  const sizes = r.settings.sizes;
  const W = 860;
  const H = 340;
  const panel = { w: 380, h: 230, top: 60 };
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">pulumi-zmgr benchmark (${r.environment.cpus} CPUs, simulated host over sshd, install delay 0)</text>`,
  ];
  const colors: Record<Side, string> = { zmgr: "#2b6cb0", command: "#c05621" };

  // Panel 1: up wall time.
  const up = (side: Side, n: number) => phaseOf(r.engine, side, n, "up")?.wallMs;
  const max1 = Math.max(1, ...sizes.flatMap((n) => [up("zmgr", n) ?? 0, up("command", n) ?? 0]));
  out.push(...bars({ x: 60, ...panel }, "pulumi up (create N zones): wall time, s", sizes, max1 / 1000, (n) => [
    { value: (up("zmgr", n) ?? 0) / 1000, color: colors.zmgr },
    { value: (up("command", n) ?? 0) / 1000, color: colors.command },
  ]));
  out.push(legend(60, H - 18, [[SIDE_LABEL.zmgr, colors.zmgr], [SIDE_LABEL.command, colors.command]]));

  // Panel 2: refresh per zone.
  const refresh = (n: number) => phaseOf(r.engine, "zmgr", n, "refresh");
  const max2 = Math.max(1, ...sizes.map((n) => (refresh(n)?.wallMs ?? 0) / n));
  out.push(...bars({ x: 470, ...panel }, "pulumi-zmgr refresh: wall ms per zone (label: round trips/zone)", sizes, max2, (n) => {
    const p = refresh(n);
    return [{ value: p ? p.wallMs / n : 0, color: colors.zmgr, label: p ? `${round1(p.host.roundTrips / n)} rt` : "" }];
  }));
  out.push("</svg>");
  return out.join("\n") + "\n";
}

interface Bar {
  readonly value: number;
  readonly color: string;
  readonly label?: string;
}

function bars(p: { x: number; top: number; w: number; h: number }, title: string, sizes: readonly number[], max: number, series: (n: number) => Bar[]): string[] {
  const out = [`<text x="${p.x}" y="${p.top - 14}" font-weight="bold">${escape(title)}</text>`];
  const base = p.top + p.h;
  out.push(`<line x1="${p.x}" y1="${base}" x2="${p.x + p.w}" y2="${base}" stroke="#333"/>`, `<line x1="${p.x}" y1="${p.top}" x2="${p.x}" y2="${base}" stroke="#333"/>`);
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    const y = base - (p.h * k) / 4;
    out.push(`<text x="${p.x - 6}" y="${y + 4}" text-anchor="end" fill="#555">${v >= 10 ? Math.round(v) : round1(v)}</text>`);
    if (k > 0) out.push(`<line x1="${p.x}" y1="${y}" x2="${p.x + p.w}" y2="${y}" stroke="#ddd"/>`);
  }
  const group = p.w / sizes.length;
  sizes.forEach((n, gi) => {
    const items = series(n);
    const bw = Math.min(48, (group * 0.7) / items.length);
    const x0 = p.x + gi * group + (group - bw * items.length) / 2;
    items.forEach((b, bi) => {
      const h = max > 0 ? (p.h * b.value) / max : 0;
      const x = x0 + bi * bw;
      out.push(`<rect x="${x.toFixed(1)}" y="${(base - h).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${b.color}"/>`);
      const text = b.label ?? (b.value >= 10 ? String(Math.round(b.value)) : String(round1(b.value)));
      if (b.value > 0) out.push(`<text x="${(x + bw / 2 - 1).toFixed(1)}" y="${(base - h - 4).toFixed(1)}" text-anchor="middle" font-size="11">${escape(text)}</text>`);
    });
    out.push(`<text x="${(p.x + gi * group + group / 2).toFixed(1)}" y="${base + 16}" text-anchor="middle">N=${n}</text>`);
  });
  return out;
}

function legend(x: number, y: number, items: Array<[string, string]>): string {
  return items.map(([label, color], i) => `<rect x="${x + i * 170}" y="${y - 10}" width="12" height="12" fill="${color}"/><text x="${x + i * 170 + 18}" y="${y}">${escape(label)}</text>`).join("\n");
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
