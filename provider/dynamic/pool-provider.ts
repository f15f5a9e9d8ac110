// The Pool dynamic provider. Serialized Pool resources require this module by its package path: keep it stable.

import type * as pulumi from "@pulumi/pulumi";
import { toCheckFailures } from "../operations/input-failures";
import { knownFailures } from "../operations/unknowns";
import { checkPoolInputs, createPool, deletePool, diffPool, readPool, updatePool, type PoolInputs, type PoolOutputs } from "../operations/pool-ops";
import { configure } from "./configure";
import { engineCall, plain } from "./errors";

/** The provider object behind every Pool resource. */
export const poolProvider: pulumi.dynamic.ResourceProvider<PoolInputs, PoolOutputs> = {
  configure,
  async check(_olds, news) {
    return { inputs: news, failures: toCheckFailures(knownFailures(checkPoolInputs(news), news)) };
  },
  async diff(id, olds, news) {
    return engineCall(news.host, async () => diffPool(id, olds, news));
  },
  async create(inputs) {
    return { id: inputs.name, outs: plain(await engineCall(inputs.host, () => createPool(inputs))) };
  },
  async read(id, props) {
    return plain(await engineCall(props?.host, () => readPool(id, props!)));
  },
  async update(id, olds, news) {
    return { outs: plain(await engineCall(news.host, () => updatePool(id, olds, news))) };
  },
  async delete(id, props) {
    await engineCall(props.host, () => deletePool(id, props));
  },
};
