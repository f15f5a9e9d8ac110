// The Template resource: a template's registry file; deleting it is refused while zone files name it.

import { ZmgrError } from "../errors";
import { withRegistryLock } from "../registry/lock";
import type { Template } from "../registry/models";
import { readEntry, readRegistry, updateEntry } from "../registry/store";
import { resolveHost } from "./default-host";
import { connect, hostIdentity, type HostHandle } from "./host-spec";
import { normalTemplateSpec, type TemplateInputs, type TemplateOutputs, type TemplateSpec } from "./template-inputs";
import { stable } from "./zone-shape";

/** The registry model of a template's inputs (the file keeps what it had beyond these). */
export function templateModel(inputs: TemplateInputs): Template {
  const spec = normalTemplateSpec(inputs);
  return prune({ name: inputs.name, brand: spec.brand, autoboot: spec.autoboot, pool: spec.pool, ipType: spec.ipType, zonepathPrefix: spec.zonepathPrefix, publishers: spec.publishers?.length ? spec.publishers : undefined }) as unknown as Template;
}

/** diff for a Template: name or host moves it; anything else is an in-place edit (zones made from it see the change through `templateSpec`). */
export function diffTemplate(id: string, olds: TemplateOutputs, news: TemplateInputs): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces: string[] = [];
  if (news.name !== id) replaces.push("name");
  if (hostIdentity(resolveHost(news.host)) !== olds.hostId) replaces.push("host");
  const changes = replaces.length > 0 || stable(normalTemplateSpec(news)) !== stable(olds.spec) || stable(news.host) !== stable(olds.host) || news.adopt !== olds.adopt;
  return { changes, replaces, deleteBeforeReplace: true };
}

/** Writes the template file (create: refused when it exists; adopt: it must exist and match). */
export async function createTemplate(inputs: TemplateInputs): Promise<TemplateOutputs> {
  const handle = connect(resolveHost(inputs.host));
  await saveTemplate(handle, inputs, inputs.adopt ? "adopt" : "create");
  return templateOutputs(inputs, handle);
}

/** Rewrites the template file in place. */
export async function updateTemplate(_id: string, _olds: TemplateOutputs, news: TemplateInputs): Promise<TemplateOutputs> {
  const handle = connect(resolveHost(news.host));
  await saveTemplate(handle, news, "update");
  return templateOutputs(news, handle);
}

async function saveTemplate(handle: HostHandle, inputs: TemplateInputs, mode: "create" | "adopt" | "update"): Promise<void> {
  const model = templateModel(inputs);
  await withRegistryLock(handle.host, handle.root, async () => {
    const known = await readEntry(handle.host, handle.root, "template", inputs.name);
    if (mode === "create" && known) {
      throw new ZmgrError("zmgr::template::exists", `template ${inputs.name} already exists in ${known.path}`, { help: "set `adopt: true` to take over the existing template file (it must match), or pick another name" });
    }
    if (mode === "adopt") {
      if (!known) throw new ZmgrError("zmgr::template::adopt-missing", `template ${inputs.name} has no registry file to adopt`, { help: "remove `adopt: true` to create it" });
      const have = normalTemplateSpec({ ...known.model, ipType: known.model.ipType });
      const want = normalTemplateSpec(inputs);
      const diffs = (Object.keys(want) as (keyof TemplateSpec)[]).filter((k) => stable(have[k]) !== stable(want[k]));
      if (diffs.length) {
        throw new ZmgrError("zmgr::template::adopt-mismatch", `template ${inputs.name} in ${known.path} does not match the inputs (nothing was changed): ${diffs.map((k) => `${k}: file has ${JSON.stringify(have[k])}, inputs want ${JSON.stringify(want[k])}`).join("; ")}`, {
          help: "change the inputs to what the file holds, then run again",
        });
      }
      return;
    }
    await updateEntry(handle.host, handle.root, "template", inputs.name, () => model, { known: known ?? null });
  });
}

/** Deletes the template file; refused while zone files name the template. */
export async function deleteTemplate(id: string, olds: TemplateOutputs): Promise<void> {
  const handle = connect(resolveHost(olds.host));
  await withRegistryLock(handle.host, handle.root, async () => {
    const snapshot = await readRegistry(handle.host, handle.root, { templates: [id], zones: true });
    const users = [...snapshot.zones.values()].filter((z) => z.model.template === id).map((z) => z.model.name);
    if (users.length) {
      throw new ZmgrError("zmgr::template::in-use", `template ${id} is still used by zone${users.length > 1 ? "s" : ""} ${users.join(", ")}`, {
        help: "delete those zones before the template",
        details: { zones: users },
      });
    }
    const broken = snapshot.broken.find((b) => b.kind === "template" && b.name === id);
    if (broken) throw broken.error;
    await updateEntry(handle.host, handle.root, "template", id, () => null, { known: snapshot.templates.get(id) ?? null });
  });
}

/** Reads the template file back: gone when it is gone. */
export async function readTemplate(id: string, olds: TemplateOutputs): Promise<{ id?: string; props?: TemplateOutputs }> {
  const handle = connect(resolveHost(olds.host));
  const entry = await readEntry(handle.host, handle.root, "template", id);
  if (!entry) return {};
  const spec = normalTemplateSpec({ ...entry.model, ipType: entry.model.ipType });
  return { id, props: { ...olds, ...spec, spec, hostId: handle.id } };
}

function templateOutputs(inputs: TemplateInputs, handle: HostHandle): TemplateOutputs {
  return { ...inputs, hostId: handle.id, spec: normalTemplateSpec(inputs) };
}

function prune(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
