// The zone step timeouts in milliseconds, from the `timeouts` input (customTimeouts never reach a dynamic provider).

import type { ZoneInputs } from "./zone-inputs";

/** Timeouts of the long zone steps, ms. */
export interface ZoneStepTimeouts {
  /** zoneadm install / uninstall. */
  readonly install: number;
  /** zoneadm boot / reboot. */
  readonly boot: number;
  /** zoneadm halt / shutdown. */
  readonly halt: number;
}

/** Defaults: install 1 h, boot and halt 5 min. */
export const DEFAULT_ZONE_TIMEOUTS: ZoneStepTimeouts = { install: 3_600_000, boot: 300_000, halt: 300_000 };

/** The step timeouts of a zone. */
export function zoneTimeouts(inputs: Pick<ZoneInputs, "timeouts">): ZoneStepTimeouts {
  const t = inputs.timeouts ?? {};
  return {
    install: (t.install ?? DEFAULT_ZONE_TIMEOUTS.install / 1000) * 1000,
    boot: (t.boot ?? DEFAULT_ZONE_TIMEOUTS.boot / 1000) * 1000,
    halt: (t.halt ?? DEFAULT_ZONE_TIMEOUTS.halt / 1000) * 1000,
  };
}
