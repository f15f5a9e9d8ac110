// The engine's view of provider calls: `pulumirpc.ResourceProvider/<Method>` spans from a `pulumi --otel-traces file://…` export.

import { existsSync, readFileSync } from "node:fs";
import { median, quantile, round1 } from "./stats";

/** Provider calls of one method during one CLI run, as the engine timed them (client side of the gRPC call). */
export interface RpcStats {
  /** Number of calls. */
  readonly count: number;
  /** Sum of their durations, ms. */
  readonly totalMs: number;
  /** Median duration, ms. */
  readonly medianMs: number;
  /** 95th percentile duration, ms. */
  readonly p95Ms: number;
}

interface OtlpSpan {
  readonly name: string;
  /** OTLP SpanKind: 2 server, 3 client. */
  readonly kind?: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
}

interface OtlpExport {
  readonly resourceSpans?: ReadonlyArray<{ readonly scopeSpans?: ReadonlyArray<{ readonly spans?: readonly OtlpSpan[] }> }>;
}

/** OTLP SpanKind of the engine's side of a gRPC call. */
const SPAN_KIND_CLIENT = 3;

/**
 * Durations (ms) of the engine's `pulumirpc.ResourceProvider/<method>` client spans in the JSON-lines OTLP file `path`.
 * Client spans only: a Go plugin (pulumi-go-provider) exports its own server span of each call into the same file.
 */
export function providerCallDurations(path: string, method: string): number[] {
  if (!existsSync(path)) return [];
  const name = `pulumirpc.ResourceProvider/${method}`;
  const out: number[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const batch = JSON.parse(line) as OtlpExport;
    for (const rs of batch.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const span of ss.spans ?? []) {
          if (span.name !== name || span.kind !== SPAN_KIND_CLIENT) continue;
          out.push(Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6);
        }
  }
  return out;
}

/** Count, sum, median and p95 of `durations` (undefined when empty). */
export function rpcStats(durations: readonly number[]): RpcStats | undefined {
  if (durations.length === 0) return undefined;
  return { count: durations.length, totalMs: round1(durations.reduce((s, v) => s + v, 0)), medianMs: round1(median(durations)), p95Ms: round1(quantile(durations, 0.95)) };
}
