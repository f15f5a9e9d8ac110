// Simulator knobs (install delay, zonecfg commit policy) from `simctl config` and the environment.

import type { SimPaths } from "./paths.ts";
import { readJson, writeJson } from "./fsutil.ts";

/** Settings that change how the simulated host behaves; stored by `simctl config`. */
export interface Knobs {
  /** How long `zoneadm install` (and clone/attach) takes, in ms (default 20). */
  installDelayMs?: number;
  /** How long `zoneadm uninstall` takes, in ms (default 0). */
  uninstallDelayMs?: number;
  /**
   * When true, zonecfg commits pending changes at exit even if an error was seen (what
   * zonecfg.c's cleanup() does); when false (default), it commits only when no error was seen
   * (what SPEC.md section 1.1 says). See README.md.
   */
  zonecfgCommitOnError?: boolean;
  /** Brand shown for the global zone by `zoneadm list` (default `ipkg`). */
  globalBrand?: string;
}

/** Reads the knobs of a host. */
export function readKnobs(paths: SimPaths): Knobs {
  return readJson<Knobs>(paths.knobs, {});
}

/** Replaces the knobs of a host. */
export function writeKnobs(paths: SimPaths, knobs: Knobs): void {
  writeJson(paths.knobs, knobs);
}

/** The effective install delay: env ILLUMOS_SIM_INSTALL_DELAY_MS, else the knob, else 20 ms. */
export function installDelayMs(knobs: Knobs): number {
  const env = process.env["ILLUMOS_SIM_INSTALL_DELAY_MS"];
  if (env !== undefined && env !== "" && Number.isFinite(Number(env))) return Math.max(0, Number(env));
  return knobs.installDelayMs ?? 20;
}
