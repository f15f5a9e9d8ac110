// The Publisher resource: an IPS publisher's registry file, which templates list and zones get in their image.

import { ZmgrError } from "../errors";
import { checkOriginUri, checkPublisherName, type InputFailure } from "../illumos/names";
import { withRegistryLock } from "../registry/lock";
import type { Publisher } from "../registry/models";
import { readEntry, readRegistry, updateEntry } from "../registry/store";
import { resolveHost } from "./default-host";
import { checkHostSpec, connect, hostIdentity, type HostHandle, type HostSpec } from "./host-spec";
import { fail } from "./input-failures";
import { stable } from "./zone-shape";

/** A Publisher's inputs. */
export interface PublisherInputs {
  /** The publisher name, as pkg knows it (`omnios`, `openindiana.org`). */
  readonly name: string;
  /** Where it lives; default: stack config. */
  readonly host?: HostSpec;
  /** Origin URIs, in order; at least one. */
  readonly origins: readonly string[];
  /** Mirror URIs. */
  readonly mirrors?: readonly string[];
  /** Take over an existing publisher file (it must match). */
  readonly adopt?: boolean;
}

/** What a Publisher resource records. */
export interface PublisherOutputs extends PublisherInputs {
  /** Identity of the host. */
  readonly hostId: string;
}

const KEYS = new Set(["name", "host", "origins", "mirrors", "adopt"]);

/** Every problem with a Publisher's inputs. */
export function checkPublisherInputs(inputs: PublisherInputs): InputFailure[] {
  const out: InputFailure[] = [];
  for (const key of Object.keys(inputs)) if (!KEYS.has(key) && !key.startsWith("__")) out.push(...fail(key, "unknown", "is not a Publisher input", `use ${[...KEYS].join(", ")}`));
  out.push(...checkPublisherName(inputs.name, "name"), ...checkHostSpec(inputs.host));
  if (!Array.isArray(inputs.origins) || inputs.origins.length === 0) out.push(...fail("origins", "required", "needs at least one origin", "give the repository URL, e.g. https://pkg.omnios.org/r151054/core/"));
  else inputs.origins.forEach((o, i) => out.push(...checkOriginUri(o, `origins[${i}]`)));
  (inputs.mirrors ?? []).forEach((m, i) => out.push(...checkOriginUri(m, `mirrors[${i}]`)));
  return out;
}

/** The registry model of a publisher's inputs. */
export function publisherModel(inputs: PublisherInputs): Publisher {
  return { name: inputs.name, origins: [...inputs.origins], ...(inputs.mirrors?.length ? { mirrors: [...inputs.mirrors] } : {}) };
}

/** diff for a Publisher: name or host moves it; origins and mirrors are edited in place. */
export function diffPublisher(id: string, olds: PublisherOutputs, news: PublisherInputs): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces: string[] = [];
  if (news.name !== id) replaces.push("name");
  if (hostIdentity(resolveHost(news.host)) !== olds.hostId) replaces.push("host");
  const changes = replaces.length > 0 || stable(publisherModel(news)) !== stable(publisherModel(olds)) || stable(news.host) !== stable(olds.host) || news.adopt !== olds.adopt;
  return { changes, replaces, deleteBeforeReplace: true };
}

/** Writes the publisher file (create: refused when it exists; adopt: it must exist and match). */
export async function createPublisher(inputs: PublisherInputs): Promise<PublisherOutputs> {
  const handle = connect(resolveHost(inputs.host));
  await savePublisher(handle, inputs, inputs.adopt ? "adopt" : "create");
  return { ...inputs, hostId: handle.id };
}

/** Rewrites the publisher file in place. Zones already installed keep the publisher settings of their image. */
export async function updatePublisher(_id: string, _olds: PublisherOutputs, news: PublisherInputs): Promise<PublisherOutputs> {
  const handle = connect(resolveHost(news.host));
  await savePublisher(handle, news, "update");
  return { ...news, hostId: handle.id };
}

async function savePublisher(handle: HostHandle, inputs: PublisherInputs, mode: "create" | "adopt" | "update"): Promise<void> {
  const model = publisherModel(inputs);
  await withRegistryLock(handle.host, handle.root, async () => {
    const known = await readEntry(handle.host, handle.root, "publisher", inputs.name);
    if (mode === "create" && known) {
      throw new ZmgrError("zmgr::publisher::exists", `publisher ${inputs.name} already exists in ${known.path}`, { help: "set `adopt: true` to take over the existing file (it must match), or pick another name" });
    }
    if (mode === "adopt") {
      if (!known) throw new ZmgrError("zmgr::publisher::adopt-missing", `publisher ${inputs.name} has no registry file to adopt`, { help: "remove `adopt: true` to create it" });
      if (stable(publisherModel(known.model)) !== stable(model)) {
        throw new ZmgrError("zmgr::publisher::adopt-mismatch", `publisher ${inputs.name} in ${known.path} does not match the inputs (nothing was changed): file has origins ${JSON.stringify(known.model.origins)} mirrors ${JSON.stringify(known.model.mirrors ?? [])}`, {
          help: "change the inputs to what the file holds, then run again",
        });
      }
      return;
    }
    await updateEntry(handle.host, handle.root, "publisher", inputs.name, () => model, { known: known ?? null });
  });
}

/** Deletes the publisher file; refused while templates list it. */
export async function deletePublisher(id: string, olds: PublisherOutputs): Promise<void> {
  const handle = connect(resolveHost(olds.host));
  await withRegistryLock(handle.host, handle.root, async () => {
    const snapshot = await readRegistry(handle.host, handle.root, { publishers: [id], templates: true });
    const users = [...snapshot.templates.values()].filter((t) => (t.model.publishers ?? []).includes(id)).map((t) => t.model.name);
    if (users.length) {
      throw new ZmgrError("zmgr::publisher::in-use", `publisher ${id} is still listed by template${users.length > 1 ? "s" : ""} ${users.join(", ")}`, {
        help: "remove it from those templates (or delete them) first",
        details: { templates: users },
      });
    }
    const broken = snapshot.broken.find((b) => b.kind === "publisher" && b.name === id);
    if (broken) throw broken.error;
    await updateEntry(handle.host, handle.root, "publisher", id, () => null, { known: snapshot.publishers.get(id) ?? null });
  });
}

/** Reads the publisher file back: gone when it is gone. */
export async function readPublisher(id: string, olds: PublisherOutputs): Promise<{ id?: string; props?: PublisherOutputs }> {
  const handle = connect(resolveHost(olds.host));
  const entry = await readEntry(handle.host, handle.root, "publisher", id);
  if (!entry) return {};
  const props: PublisherOutputs = { ...olds, origins: entry.model.origins, hostId: handle.id };
  if (entry.model.mirrors?.length || olds.mirrors !== undefined) (props as { mirrors?: readonly string[] }).mirrors = entry.model.mirrors ?? [];
  return { id, props };
}
