// Typed read and write of registry files on a host: one round trip to read any selection, read-modify-write edits that check nothing changed underneath.

import { hasCode, ZmgrError } from "../errors";
import type { BatchStep } from "../transport/batch";
import type { Host, RunResult } from "../transport/host";
import { decodeFile, encodeFile, type ParsedFile } from "./codec";
import { notFoundError, oversizeError, unreadableError } from "./file-errors";
import type { Config, KindModels, Pool, Publisher, Template, Zone } from "./models";
import { absolutePath, CONFIG_FILE, KIND_DIRS, relativePath, type NamedKind, type RegistryKind } from "./paths";
import { DEFAULT_MAX_FILE_BYTES, scanRegistry, scanStep, type ScannedFile, type ScanRequest } from "./scan";
import { SCHEMAS } from "./schema";
import { conflictError, deleteRegistryFile, writeRegistryFile } from "./write";

/** Options shared by registry reads and writes. */
export interface RegistryOptions {
  /** Per-file size limit in bytes (default 256 KiB); a larger file is a `zmgr::registry::oversize` error for that file. */
  readonly maxFileBytes?: number;
}

/** One successfully read registry file. */
export interface RegistryEntry<M> extends ParsedFile<M> {
  /** Its kind. */
  readonly kind: RegistryKind;
  /** Path relative to the root (`zones/web.kdl`). */
  readonly rel: string;
}

/** A registry file that could not be used, and why. One broken file never hides the others. */
export interface BrokenFile {
  /** Its kind (the directory it is in). */
  readonly kind: RegistryKind;
  /** Path relative to the root; a directory ends with `/`. */
  readonly rel: string;
  /** Absolute path on the host. */
  readonly path: string;
  /** The name its file name implies, when it has one. */
  readonly name: string | undefined;
  /** The text, when the file could be read (a parse or schema error); undefined when unreadable or oversize. */
  readonly text: string | undefined;
  /** The error: `zmgr::registry::parse`, `schema`, `oversize`, `unreadable`, or a value code such as `zmgr::pool::misaligned`. */
  readonly error: ZmgrError;
}

/** Which parts of the registry to read: `true` for every file of a kind, or a list of names. */
export interface RegistrySelection {
  /** Read `config.kdl`. */
  readonly config?: boolean;
  /** Pools to read. */
  readonly pools?: boolean | readonly string[];
  /** Templates to read. */
  readonly templates?: boolean | readonly string[];
  /** Zones to read. */
  readonly zones?: boolean | readonly string[];
  /** Publishers to read. */
  readonly publishers?: boolean | readonly string[];
}

/** Everything one read returned. */
export interface RegistrySnapshot {
  /** `config.kdl`, when selected and present. */
  readonly config: RegistryEntry<Config> | undefined;
  /** Pools by name. */
  readonly pools: ReadonlyMap<string, RegistryEntry<Pool>>;
  /** Templates by name. */
  readonly templates: ReadonlyMap<string, RegistryEntry<Template>>;
  /** Zones by name. */
  readonly zones: ReadonlyMap<string, RegistryEntry<Zone>>;
  /** Publishers by name. */
  readonly publishers: ReadonlyMap<string, RegistryEntry<Publisher>>;
  /** Files that could not be read or understood, each with its own error. */
  readonly broken: readonly BrokenFile[];
}

/** Everything in the registry. */
export const ALL: RegistrySelection = { config: true, pools: true, templates: true, zones: true, publishers: true };

const SELECT_KEYS: Readonly<Record<NamedKind, keyof RegistrySelection>> = { pool: "pools", template: "templates", zone: "zones", publisher: "publishers" };

function kindOfRel(rel: string): { kind: RegistryKind; name: string | undefined } {
  if (rel === CONFIG_FILE) return { kind: "config", name: undefined };
  const slash = rel.indexOf("/");
  const dir = rel.slice(0, slash);
  const kind = (Object.keys(KIND_DIRS) as NamedKind[]).find((k) => KIND_DIRS[k] === dir)!;
  const base = rel.slice(slash + 1);
  return { kind, name: base.endsWith(".kdl") ? base.slice(0, -4) : undefined };
}

/** Turns scanned files into entries and broken files. Missing single files are simply absent. */
export function decodeScan(root: string, files: readonly ScannedFile[], options: RegistryOptions = {}): RegistrySnapshot {
  const maps: Record<NamedKind, Map<string, RegistryEntry<unknown>>> = { pool: new Map(), template: new Map(), zone: new Map(), publisher: new Map() };
  let config: RegistryEntry<Config> | undefined;
  const broken: BrokenFile[] = [];
  for (const file of files) {
    if (file.status === "missing") continue;
    const { kind, name } = kindOfRel(file.rel);
    const path = absolutePath(root, file.rel);
    const fail = (error: ZmgrError, text?: string) => broken.push({ kind, rel: file.rel, path, name, text, error });
    if (file.status === "oversize") fail(oversizeError(path, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES));
    else if (file.status === "notfile") fail(unreadableError(path, "not a regular file"));
    else if (file.status === "badname") fail(unreadableError(path, "its name contains a newline"));
    else if (file.status === "unreadable") fail(unreadableError(path, file.rel.endsWith("/") ? "the directory cannot be listed" : "permission denied"));
    else {
      try {
        const parsed = decodeFile<unknown>(SCHEMAS[kind], path, file.text!, name);
        const entry = { ...parsed, kind, rel: file.rel };
        if (kind === "config") config = entry as RegistryEntry<Config>;
        else maps[kind].set(name!, entry);
      } catch (err) {
        if (!ZmgrError.isInstance(err)) throw err;
        fail(err, file.text);
      }
    }
  }
  return {
    config,
    pools: maps.pool as Map<string, RegistryEntry<Pool>>,
    templates: maps.template as Map<string, RegistryEntry<Template>>,
    zones: maps.zone as Map<string, RegistryEntry<Zone>>,
    publishers: maps.publisher as Map<string, RegistryEntry<Publisher>>,
    broken,
  };
}

/**
 * Reads the selected parts of the registry under `root` in one round trip (one `sh` on the
 * host, whatever the number of files). Broken files are listed in `broken`, never thrown.
 */
export async function readRegistry(host: Host, root: string, selection: RegistrySelection = ALL, options: RegistryOptions = {}): Promise<RegistrySnapshot> {
  const scanned = await scanRegistry(host, root, selectionRequest(selection), options);
  return decodeScan(root, scanned, options);
}

/** The files and directories a selection reads. */
export function selectionRequest(selection: RegistrySelection): ScanRequest {
  const files: string[] = [];
  const dirs: string[] = [];
  if (selection.config) files.push(CONFIG_FILE);
  for (const kind of Object.keys(SELECT_KEYS) as NamedKind[]) {
    const sel = selection[SELECT_KEYS[kind]] as boolean | readonly string[] | undefined;
    if (sel === true) dirs.push(KIND_DIRS[kind]);
    else if (Array.isArray(sel)) files.push(...sel.map((n) => relativePath(kind, n)));
  }
  return { files, dirs };
}

/** A registry read as one step of a batch, and how to decode its result into a snapshot. */
export function readStep(root: string, selection: RegistrySelection, options: RegistryOptions = {}): { step: BatchStep; decode(result: RunResult | undefined): RegistrySnapshot } {
  const scan = scanStep(root, selectionRequest(selection), options);
  return { step: scan.step, decode: (result) => decodeScan(root, scan.parse(result), options) };
}

/** Reads one file: the entry, undefined when it does not exist, or throws its error (parse, schema, oversize, unreadable). */
export async function readEntry<K extends RegistryKind>(host: Host, root: string, kind: K, name?: string, options: RegistryOptions = {}): Promise<RegistryEntry<KindModels[K]> | undefined> {
  const rel = relativePath(kind, name);
  const snapshot = decodeScan(root, await scanRegistry(host, root, { files: [rel] }, options), options);
  if (snapshot.broken[0]) throw snapshot.broken[0].error;
  if (kind === "config") return snapshot.config as RegistryEntry<KindModels[K]> | undefined;
  return entriesOf(snapshot, kind as NamedKind).get(name!) as RegistryEntry<KindModels[K]> | undefined;
}

/** Like {@link readEntry}, but a missing file is `zmgr::registry::not-found`. */
export async function requireEntry<K extends RegistryKind>(host: Host, root: string, kind: K, name?: string, options: RegistryOptions = {}): Promise<RegistryEntry<KindModels[K]>> {
  const entry = await readEntry(host, root, kind, name, options);
  if (!entry) throw notFoundError(absolutePath(root, relativePath(kind, name)), kind === "config" ? "config" : `${kind} ${JSON.stringify(name)}`);
  return entry;
}

/** The entries of one named kind in a snapshot. */
export function entriesOf(snapshot: RegistrySnapshot, kind: NamedKind): ReadonlyMap<string, RegistryEntry<unknown>> {
  return { pool: snapshot.pools, template: snapshot.templates, zone: snapshot.zones, publisher: snapshot.publishers }[kind];
}

/** Options of {@link updateEntry} and {@link writeEntry}. */
export interface UpdateOptions extends RegistryOptions {
  /** How often to re-read and re-apply when the file changed between read and write (default 3). */
  readonly attempts?: number;
  /** Only create: fail with `zmgr::registry::conflict` when the file exists. */
  readonly createOnly?: boolean;
  /** The file as just read (`null`: known to be absent), to skip the first read; the write still checks it is unchanged. */
  readonly known?: RegistryEntry<unknown> | null;
}

/**
 * Read-modify-write of one file. `change` gets the current model (undefined when the file does
 * not exist) and returns the new model, or `null` to delete the file, or `undefined` to leave
 * it. A file that does not parse is never changed: its error is thrown. The write happens only
 * if the file still holds the text that was read (else it re-reads, up to `attempts` times).
 * Untouched parts of the file stay byte-identical; an unchanged model writes nothing.
 * Returns the entry as written (undefined when deleted or absent).
 */
export async function updateEntry<K extends RegistryKind>(
  host: Host,
  root: string,
  kind: K,
  name: string | undefined,
  change: (current: KindModels[K] | undefined) => KindModels[K] | null | undefined,
  options: UpdateOptions = {},
): Promise<RegistryEntry<KindModels[K]> | undefined> {
  const rel = relativePath(kind, name);
  const path = absolutePath(root, rel);
  const spec = SCHEMAS[kind];
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const current =
      attempt === 1 && options.known !== undefined ? ((options.known ?? undefined) as RegistryEntry<KindModels[K]> | undefined) : await readEntry(host, root, kind, name, options);
    if (current && options.createOnly) throw conflictError(path, "already exists");
    const next = change(current?.model);
    try {
      if (next === undefined) return current;
      if (next === null) {
        if (current) await deleteRegistryFile(host, root, rel, current.text);
        return undefined;
      }
      if (kind !== "config" && (next as { name?: unknown }).name !== name) {
        throw new ZmgrError("zmgr::registry::invalid", `cannot write ${path}: the model is named ${JSON.stringify((next as { name?: unknown }).name)}, not ${JSON.stringify(name)}`, {
          help: "a registry object is renamed by writing a new file and deleting the old one",
          details: { path },
        });
      }
      const text = encodeFile(spec, current, next as unknown as Record<string, unknown>, path);
      if (current && text === current.text) return current;
      await writeRegistryFile(host, root, rel, text, current ? { text: current.text } : "absent");
      return { ...decodeFile<KindModels[K]>(spec, path, text, name), kind, rel };
    } catch (err) {
      if (!hasCode(err, "zmgr::registry::conflict") || attempt >= attempts || options.createOnly) throw err;
    }
  }
}

/** Writes `model` to its file (created, or edited in place keeping comments and unknown nodes). */
export function writeEntry<K extends RegistryKind>(host: Host, root: string, kind: K, model: KindModels[K], options: UpdateOptions = {}): Promise<RegistryEntry<KindModels[K]>> {
  const name = kind === "config" ? undefined : (model as { name: string }).name;
  return updateEntry(host, root, kind, name, () => model, options) as Promise<RegistryEntry<KindModels[K]>>;
}

/** Deletes a file; with `expectText`, only if it still holds that text (`zmgr::registry::conflict` otherwise). */
export function deleteEntry(host: Host, root: string, kind: RegistryKind, name: string | undefined, expectText?: string): Promise<void> {
  return deleteRegistryFile(host, root, relativePath(kind, name), expectText);
}
