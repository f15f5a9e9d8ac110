// The Publisher dynamic provider. Serialized Publisher resources require this module by its package path: keep it stable.

import type * as pulumi from "@pulumi/pulumi";
import { toCheckFailures } from "../operations/input-failures";
import { knownFailures } from "../operations/unknowns";
import { checkPublisherInputs, createPublisher, deletePublisher, diffPublisher, readPublisher, updatePublisher, type PublisherInputs, type PublisherOutputs } from "../operations/publisher-ops";
import { configure } from "./configure";
import { engineCall, plain } from "./errors";

/** The provider object behind every Publisher resource. */
export const publisherProvider: pulumi.dynamic.ResourceProvider<PublisherInputs, PublisherOutputs> = {
  configure,
  async check(_olds, news) {
    return { inputs: news, failures: toCheckFailures(knownFailures(checkPublisherInputs(news), news)) };
  },
  async diff(id, olds, news) {
    return engineCall(news.host, async () => diffPublisher(id, olds, news));
  },
  async create(inputs) {
    return { id: inputs.name, outs: plain(await engineCall(inputs.host, () => createPublisher(inputs))) };
  },
  async read(id, props) {
    return plain(await engineCall(props?.host, () => readPublisher(id, props!)));
  },
  async update(id, olds, news) {
    return { outs: plain(await engineCall(news.host, () => updatePublisher(id, olds, news))) };
  },
  async delete(id, props) {
    await engineCall(props.host, () => deletePublisher(id, props));
  },
};
