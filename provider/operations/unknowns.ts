// Values not known yet during a preview (outputs of resources still to be created), as the dynamic-provider protocol passes them.

import type { InputFailure } from "../illumos/names";

/** The sentinel string a dynamic provider receives in place of an unknown value (@pulumi/pulumi runtime/rpc `unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True for the unknown sentinel. */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** The property paths (`templateSpec`, `fs[0].dir`, `host.ssh.host`) that hold unknown values. */
export function unknownPaths(value: unknown, prefix = ""): string[] {
  if (isUnknown(value)) return [prefix];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownPaths(v, `${prefix}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => unknownPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  return [];
}

/** True when anything inside `value` is unknown. */
export function hasUnknowns(value: unknown): boolean {
  return unknownPaths(value).length > 0;
}

/** The failures that are not about unknown values (those are checked once the values are known). */
export function knownFailures(failures: readonly InputFailure[], inputs: unknown): InputFailure[] {
  const unknown = unknownPaths(inputs);
  if (unknown.length === 0) return [...failures];
  const covered = (p: string) => unknown.some((u) => p === u || p.startsWith(`${u}.`) || p.startsWith(`${u}[`) || u.startsWith(`${p}.`) || u.startsWith(`${p}[`));
  return failures.filter((f) => !covered(f.property));
}

/** `inputs` with every top-level unknown value replaced by the matching value of `fallback`. */
export function withKnown<T extends object>(inputs: T, fallback: Partial<T>): T {
  const out = { ...inputs } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) {
    if (hasUnknowns(v)) out[k] = (fallback as Record<string, unknown>)[k];
  }
  return out as T;
}
