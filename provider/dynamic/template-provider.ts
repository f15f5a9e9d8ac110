// The Template dynamic provider. Serialized Template resources require this module by its package path: keep it stable.

import type * as pulumi from "@pulumi/pulumi";
import { toCheckFailures } from "../operations/input-failures";
import { knownFailures } from "../operations/unknowns";
import { checkTemplateInputs } from "../operations/template-check";
import type { TemplateInputs, TemplateOutputs } from "../operations/template-inputs";
import { createTemplate, deleteTemplate, diffTemplate, readTemplate, updateTemplate } from "../operations/template-ops";
import { configure } from "./configure";
import { engineCall, plain } from "./errors";

/** The provider object behind every Template resource. */
export const templateProvider: pulumi.dynamic.ResourceProvider<TemplateInputs, TemplateOutputs> = {
  configure,
  async check(_olds, news) {
    return { inputs: news, failures: toCheckFailures(knownFailures(checkTemplateInputs(news), news)) };
  },
  async diff(id, olds, news) {
    return engineCall(news.host, async () => diffTemplate(id, olds, news));
  },
  async create(inputs) {
    return { id: inputs.name, outs: plain(await engineCall(inputs.host, () => createTemplate(inputs))) };
  },
  async read(id, props) {
    return plain(await engineCall(props?.host, () => readTemplate(id, props!)));
  },
  async update(id, olds, news) {
    return { outs: plain(await engineCall(news.host, () => updateTemplate(id, olds, news))) };
  },
  async delete(id, props) {
    await engineCall(props.host, () => deleteTemplate(id, props));
  },
};
