// The generic codec: decode a registry file into a model (with positions in every error) and apply a model back as minimal in-place edits.

import { format, getLocation, InvalidKdlError, parse, type Document, type Entry, type Node } from "@bgotink/kdl";
import { ZmgrError } from "../errors";
import { parseError, schemaError, valueError, type FilePosition } from "./file-errors";
import { childContainer, detectStyle, insertNode, kdlLiteral, makeNode, removeNode, setArguments, type Container, type KdlPrimitive, type TextStyle } from "./kdl-edit";
import { isValidName, type RegistryKind } from "./paths";

/** How one model property maps to KDL nodes inside a file. */
export interface FieldSpec {
  /** The model property. */
  readonly key: string;
  /** The KDL node name. */
  readonly node: string;
  /** True when the node may repeat (a list). */
  readonly repeat: boolean;
  /** True when the node must be present. */
  readonly required: boolean;
  /** Allowed number of arguments per node, `[min, max]`. */
  readonly arity: readonly [number, number];
  /** The type every argument must have. */
  readonly type: "string" | "boolean";
  /** The expected form, for help lines: `range "START" "END"`. */
  readonly form: string;
  /** Model value to argument lists, one list per node. */
  toArgs(value: unknown): KdlPrimitive[][];
  /** Argument lists (validated for arity and type) to the model value. */
  fromArgs(lists: KdlPrimitive[][]): unknown;
}

/** The schema of one kind of registry file. */
export interface KindSpec {
  /** Which kind. */
  readonly kind: RegistryKind;
  /** The node that wraps the fields (`pool "lan" { ... }`); undefined for config.kdl, whose fields are top-level. */
  readonly top: string | undefined;
  /** The fields, in the order new nodes are written. */
  readonly fields: readonly FieldSpec[];
  /**
   * Semantic checks of a decoded or to-be-written model. Throws a ZmgrError; `details.field`
   * (a node name) and `details.index` let the decoder point at the node.
   */
  readonly check?: (model: Record<string, unknown>) => void;
}

/** A successfully parsed registry file. */
export interface ParsedFile<M> {
  /** Absolute path on the host. */
  readonly path: string;
  /** The exact text that was parsed. */
  readonly text: string;
  /** The typed model. */
  readonly model: M;
}

const EXTRA_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

function pos(el: Node | Entry | undefined): FilePosition | undefined {
  const loc = el ? getLocation(el) : undefined;
  return loc ? { line: loc.start.line, column: loc.start.column } : undefined;
}

function parseDocument(path: string, text: string): Document {
  try {
    return parse(text, { storeLocations: true });
  } catch (err) {
    if (err instanceof InvalidKdlError && hasPosition(err)) throw parseError(path, err);
    // The parser failed without saying where: @bgotink/kdl 0.4.0 throws "Invalid code point NaN" on a "/" that ends
    // the text. The text with a newline appended gives the real error and its place; else it is the end of the file.
    try {
      parse(text + "\n");
    } catch (again) {
      if (again instanceof InvalidKdlError && hasPosition(again)) throw parseError(path, again);
    }
    throw parseError(path, err, endOf(text));
  }
}

/** True when the parser's error (or its first part) says where it is. */
function hasPosition(err: InvalidKdlError): boolean {
  return ([...err.flat()][0] ?? err).start !== undefined;
}

/** The position just past the last character of `text`. */
function endOf(text: string): FilePosition {
  const lines = text.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/);
  return { line: lines.length, column: [...lines[lines.length - 1]!].length + 1 };
}

/** A node the model can expose in `extra`: no children, no properties, no tags. */
function isSimple(node: Node): boolean {
  return !node.children && !node.tag && !node.hasProperties() && node.getArgumentEntries().every((e) => !e.value.tag);
}

/** The kind node of a named-kind document, checked. */
function kindNode(spec: KindSpec, path: string, doc: Document, expectName: string | undefined): Node {
  const tops = doc.nodes.filter((n) => n.getName() === spec.top);
  const example = `${spec.top} "NAME" { ... }`;
  if (tops.length === 0) {
    // Point at what is there instead (or the start of an empty file), so the message always has a line and column.
    const first = doc.nodes[0];
    const found = first ? `, found ${JSON.stringify(first.getName())}` : " (the file has no nodes)";
    throw schemaError(path, (first && pos(first)) ?? { line: 1, column: 1 }, `no ${spec.top} node${found}`, `write the file as ${example}`);
  }
  if (tops.length > 1) {
    throw schemaError(path, pos(tops[1]), `a second ${spec.top} node (the first is at line ${pos(tops[0])?.line})`, `keep one ${spec.top} per file`);
  }
  const node = tops[0]!;
  const args = node.getArguments();
  const name = args[0];
  if (args.length !== 1 || typeof name !== "string" || !isValidName(name)) {
    throw schemaError(path, pos(node), `${spec.top} takes one argument, its name in quotes (letters, digits, _ . + -)`, `write ${example}`);
  }
  if (expectName !== undefined && name !== expectName) {
    throw schemaError(path, pos(node), `the file is named ${expectName}.kdl but holds ${spec.top} ${JSON.stringify(name)}`, "rename the file or the node so that they match");
  }
  return node;
}

/** Checks arity and argument types of one node's lists; `at` gives the position for a list index. */
function checkArgs(spec: KindSpec, field: FieldSpec, lists: KdlPrimitive[][], fail: (index: number, entry: number | undefined, message: string) => never): void {
  lists.forEach((args, i) => {
    const [min, max] = field.arity;
    if (args.length < min || args.length > max) {
      const want = min === max ? `${min}` : `${min} to ${max}`;
      fail(i, undefined, `${field.node} takes ${want} argument${max === 1 ? "" : "s"}, found ${args.length}`);
    }
    args.forEach((a, j) => {
      if (typeof a !== field.type) fail(i, j, `${field.node} expects ${field.type === "string" ? "a string in quotes" : "#true or #false"}, found ${kdlLiteral(a)}`);
    });
  });
  if (!field.repeat && lists.length > 1) fail(1, undefined, `duplicate ${field.node} node`);
  if (field.required && lists.length === 0) fail(-1, undefined, `${spec.top ?? "config"} has no ${field.node}`);
}

/**
 * Parses `text` as a file of `spec`'s kind. Throws `zmgr::registry::parse` (KDL syntax),
 * `zmgr::registry::schema` (shape), or the code of a semantic check (`zmgr::pool::misaligned`
 * ...), each with path, line and column. `expectName` is the name the file name implies.
 */
export function decodeFile<M>(spec: KindSpec, path: string, text: string, expectName?: string): ParsedFile<M> {
  let cache = decoded.get(spec);
  if (!cache) decoded.set(spec, (cache = new Map()));
  const key = `${path}\0${expectName ?? ""}\0${text}`;
  const hit = cache.get(key);
  if (hit) return hit as ParsedFile<M>;
  const parsed = decodeText<M>(spec, path, text, expectName);
  if (cache.size >= MAX_DECODED) cache.clear();
  cache.set(key, parsed);
  return parsed;
}

/**
 * Files decoded so far, by kind, path, expected name and exact text: a registry read decodes only the files that
 * changed since the last one (every create reads every zone file, twice). Models are never changed after decoding, so
 * one object serves every read. Failures are not kept. At most {@link MAX_DECODED} per kind, then it starts over.
 */
let decoded = new WeakMap<KindSpec, Map<string, ParsedFile<unknown>>>();
const MAX_DECODED = 20_000;

/** Forgets every decoded file, so that the next read decodes all of them again (benchmarks of a first read). */
export function forgetDecoded(): void {
  decoded = new WeakMap();
}

function decodeText<M>(spec: KindSpec, path: string, text: string, expectName?: string): ParsedFile<M> {
  const doc = parseDocument(path, text);
  const top = spec.top ? kindNode(spec, path, doc, expectName) : undefined;
  const nodes = top ? (top.children?.nodes ?? []) : doc.nodes;
  const byName = new Map<string, Node[]>();
  for (const n of nodes) byName.set(n.getName(), [...(byName.get(n.getName()) ?? []), n]);

  const model: Record<string, unknown> = {};
  if (top) model.name = top.getArgument(0);
  for (const field of spec.fields) {
    const found = byName.get(field.node) ?? [];
    const lists = found.map((n) => n.getArguments());
    checkArgs(spec, field, lists, (i, j, message) => {
      const node = found[i];
      const where = node ? (j === undefined ? pos(node) : pos(node.getArgumentEntry(j))) : pos(top);
      const dup = !field.repeat && i === 1 ? ` (the first is at line ${pos(found[0])?.line})` : "";
      throw schemaError(path, where, message + dup, i < 0 ? `add ${field.form}` : `write it as ${field.form}`);
    });
    model[field.key] = field.fromArgs(lists);
  }
  const known = new Set(spec.fields.map((f) => f.node));
  const extra: Record<string, KdlPrimitive[]> = {};
  for (const [name, ns] of byName) {
    if (!known.has(name) && ns.length === 1 && isSimple(ns[0]!)) extra[name] = ns[0]!.getArguments();
  }
  model.extra = extra;

  try {
    spec.check?.(model);
  } catch (err) {
    if (!ZmgrError.isInstance(err)) throw err;
    const field = err.details.field;
    const index = err.details.index;
    const node = typeof field === "string" && typeof index === "number" ? byName.get(field)?.[index] : undefined;
    throw valueError(path, pos(node ?? top), err);
  }
  return { path, text, model: model as M };
}

/** Checks a model before it is written: field types, arity, required fields, extra names, semantic checks. */
export function validateModel(spec: KindSpec, model: Record<string, unknown>, path: string): void {
  for (const field of spec.fields) {
    checkArgs(spec, field, field.toArgs(model[field.key]), (_i, _j, message) => {
      throw new ZmgrError("zmgr::registry::invalid", `cannot write ${path}: ${message.replace(/, found .*$/, "")}`, {
        help: `give ${field.key} as documented: ${field.form}`,
        details: { path, field: field.key },
      });
    });
  }
  const known = new Set(spec.fields.map((f) => f.node));
  for (const name of Object.keys((model.extra as object | undefined) ?? {})) {
    if (!EXTRA_NAME.test(name) || known.has(name)) {
      throw new ZmgrError("zmgr::registry::invalid", `cannot write ${path}: extra node name ${JSON.stringify(name)} is ${known.has(name) ? "a known field" : "not a plain KDL identifier"}`, {
        help: known.has(name) ? "set the typed field instead of an extra node" : "use letters, digits, _ and -, starting with a letter",
        details: { path, extra: name },
      });
    }
  }
  spec.check?.(model);
}

/**
 * The new text of a file holding `model`: `current`'s text with the minimal in-place edits
 * (changed arguments rewritten, new nodes inserted in the file's indentation after their
 * field's predecessor, dropped nodes removed with the comments above them kept), or a fresh
 * file when there is no current one. An unchanged model gives back `current.text` exactly.
 */
export function encodeFile(spec: KindSpec, current: ParsedFile<unknown> | undefined, model: Record<string, unknown>, path: string): string {
  validateModel(spec, model, path);
  const text = current ? current.text : spec.top ? `${spec.top} ${kdlLiteral(model.name as string)} {\n}\n` : "";
  const doc = parse(text);
  const style = detectStyle(text);
  const container: Container = spec.top ? childContainer(doc.nodes.find((n) => n.getName() === spec.top)!) : { doc, parentIndent: "", top: true };
  applyModel(spec, container, model, style);
  const out = format(doc);
  decodeFile(spec, path, out, spec.top ? (model.name as string) : undefined); // a safety net: never write what we could not read back
  return out;
}

function applyModel(spec: KindSpec, container: Container, model: Record<string, unknown>, style: TextStyle): void {
  const named = (name: string) => container.doc.nodes.filter((n) => n.getName() === name);
  let anchor: Node | undefined;
  for (const field of spec.fields) {
    const nodes = named(field.node);
    const lists = field.toArgs(model[field.key]);
    for (let i = 0; i < Math.min(nodes.length, lists.length); i++) setArguments(nodes[i]!, lists[i]!);
    let last = nodes[Math.min(nodes.length, lists.length) - 1] ?? anchor;
    for (let i = nodes.length; i < lists.length; i++) {
      const node = makeNode(field.node, lists[i]!);
      insertNode(container, node, last, style);
      last = node;
    }
    for (let i = nodes.length - 1; i >= lists.length; i--) removeNode(container, nodes[i]!);
    anchor = last;
  }
  const extra = (model.extra ?? {}) as Record<string, readonly KdlPrimitive[] | null>;
  for (const [name, args] of Object.entries(extra)) {
    const nodes = named(name);
    if (nodes.length > 1 || (nodes[0] && !isSimple(nodes[0]))) {
      throw new ZmgrError("zmgr::registry::invalid", `extra node ${name} exists in the file in a form pulumi-zmgr does not edit (repeated, or with children or properties)`, {
        help: `edit ${name} in the file by hand, or leave it out of extra`,
        details: { extra: name },
      });
    }
    if (args === null) {
      if (nodes[0]) removeNode(container, nodes[0]);
    } else if (nodes[0]) {
      setArguments(nodes[0], args);
    } else {
      insertNode(container, makeNode(name, args), undefined, style);
    }
  }
}
