// The Zone dynamic provider: check, diff, create (or adopt), read, update, delete over the zone operations.
// Serialized Zone resources require this module by its package path: keep the path and exports stable.

import type * as pulumi from "@pulumi/pulumi";
import { toCheckFailures } from "../operations/input-failures";
import { knownFailures } from "../operations/unknowns";
import { adoptZone } from "../operations/zone-adopt";
import { checkZoneInputs } from "../operations/zone-check";
import { createZone, PartialCreateError } from "../operations/zone-create";
import { deleteZone } from "../operations/zone-delete";
import { diffZone } from "../operations/zone-diff";
import type { ZoneInputs, ZoneOutputs } from "../operations/zone-inputs";
import { readZone } from "../operations/zone-read";
import { updateZone } from "../operations/zone-update";
import { configure } from "./configure";
import { engineCall, engineError, plain } from "./errors";

/** The provider object behind every Zone resource. */
export const zoneProvider: pulumi.dynamic.ResourceProvider<ZoneInputs, ZoneOutputs> = {
  configure,

  async check(_olds, news) {
    return { inputs: news, failures: toCheckFailures(knownFailures(checkZoneInputs(news), news)) };
  },

  async diff(id, olds, news) {
    const d = await engineCall(news.host, async () => diffZone(id, olds, news));
    return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: d.deleteBeforeReplace };
  },

  async create(inputs) {
    try {
      const outs = inputs.adopt ? await adoptZone(inputs) : await createZone(inputs);
      return { id: inputs.name, outs: plain(outs) };
    } catch (err) {
      if (err instanceof PartialCreateError) {
        const e = engineError(err, inputs.host) as Error & { id?: string; properties?: unknown; reasons?: string[] };
        e.id = err.id;
        // The engine stores these as the outputs unchanged: __provider must be in them, or every later refresh or delete fails.
        e.properties = { ...plain(err.properties), __provider: (inputs as unknown as Record<string, unknown>).__provider };
        e.reasons = err.reasons;
        throw e;
      }
      throw engineError(err, inputs.host);
    }
  },

  async read(id, props) {
    return plain(await engineCall(props?.host, () => readZone(id, props!))) as pulumi.dynamic.ReadResult<ZoneOutputs>;
  },

  async update(id, olds, news) {
    return { outs: plain(await engineCall(news.host, () => updateZone(id, olds, news))) };
  },

  async delete(id, props) {
    await engineCall(props.host, () => deleteZone(id, props));
  },
};
