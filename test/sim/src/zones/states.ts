// Zone states (zone_state_str) and their order.

/** A zone state as printed by zoneadm. */
export type ZoneState = "configured" | "incomplete" | "installed" | "ready" | "mounted" | "running" | "shutting_down" | "down";

/** States in increasing order (ZONE_STATE_CONFIGURED .. ZONE_STATE_DOWN). */
export const STATE_ORDER: readonly ZoneState[] = ["configured", "incomplete", "installed", "ready", "mounted", "running", "shutting_down", "down"];

/** The rank of a state, for `state >= installed` style comparisons. */
export function rank(s: ZoneState): number {
  return STATE_ORDER.indexOf(s);
}

/** States in which the zone exists in the kernel (has a zone id). */
export function inKernel(s: ZoneState): boolean {
  return rank(s) >= rank("ready");
}
