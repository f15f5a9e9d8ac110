// Format-preserving KDL edits: set a node's arguments in place, insert nodes in the file's style, remove nodes keeping comments.

import { Document, parse, type Node } from "@bgotink/kdl";

/** A KDL value as JavaScript sees it. */
export type KdlPrimitive = string | number | boolean | null;

/** The layout conventions of one file, detected from its text. */
export interface TextStyle {
  /** `\n`, or `\r\n` when the file uses it. */
  readonly newline: string;
  /** One level of indentation (default four spaces). */
  readonly indentUnit: string;
}

/** Detects newline and indentation unit from a file's text. */
export function detectStyle(text: string): TextStyle {
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  const m = /\n([ \t]+)\S/.exec(text);
  return { newline, indentUnit: m ? m[1]! : "    " };
}

// Characters a KDL v2 quoted string must not hold literally.
const ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f\u0085\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** The KDL v2 source text of a value: strings always quoted, `#true`, `#null`, `#inf`. */
export function kdlLiteral(value: KdlPrimitive): string {
  if (typeof value === "string") {
    return '"' + value.replace(NEEDS_ESCAPE, (c) => ESCAPES[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`) + '"';
  }
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "#nan";
    if (!Number.isFinite(value)) return value > 0 ? "#inf" : "#-inf";
    return String(value);
  }
  if (value === null) return "#null";
  return value ? "#true" : "#false";
}

/** A detached node `name arg1 arg2` parsed from a snippet, so values are quoted like ours. */
export function makeNode(name: string, args: readonly KdlPrimitive[]): Node {
  return parse([name, ...args.map(kdlLiteral)].join(" "), { as: "node" });
}

/** Sets the node's argument values in place (properties, tags, comments untouched). Returns true when anything changed. */
export function setArguments(node: Node, values: readonly KdlPrimitive[]): boolean {
  const args = node.getArgumentEntries();
  let changed = false;
  for (let i = 0; i < Math.min(args.length, values.length); i++) {
    const entry = args[i]!;
    if (Object.is(entry.getValue(), values[i])) continue;
    const v = parse(kdlLiteral(values[i]!), { as: "value" });
    v.tag = entry.value.tag;
    v.betweenTagAndValue = entry.value.betweenTagAndValue;
    entry.value = v;
    changed = true;
  }
  for (let i = args.length; i < values.length; i++) {
    node.addArgument(values[i]!);
    node.getArgumentEntry(i)!.value.representation = kdlLiteral(values[i]!);
    changed = true;
  }
  for (let i = args.length - 1; i >= values.length; i--) {
    node.removeArgument(i);
    changed = true;
  }
  return changed;
}

/** The indentation of a node's own line (whitespace after the last newline of its leading text). */
export function indentOf(node: Node): string {
  const lead = node.leading ?? "";
  const tail = lead.slice(lead.lastIndexOf("\n") + 1);
  return /^[ \t]*$/.test(tail) ? tail : "";
}

/** The indentation children of `container` use, from an existing child, else `fallback`. */
function childIndent(container: Document, fallback: string): string {
  for (const child of container.nodes) {
    const lead = child.leading ?? "";
    const nl = lead.lastIndexOf("\n");
    if (nl >= 0) {
      const tail = lead.slice(nl + 1);
      if (/^[ \t]*$/.test(tail)) return tail;
    }
  }
  return fallback;
}

/** Where a node is inserted: into the kind node's children, or the top of the document. */
export interface Container {
  /** The document holding the nodes. */
  readonly doc: Document;
  /** Indentation of the line that opened this block (`""` at top level). */
  readonly parentIndent: string;
  /** True for the top level of a file (no braces). */
  readonly top: boolean;
}

/** The children of `node` as a container, creating an empty `{}` block when it has none. */
export function childContainer(node: Node): Container {
  if (!node.children) {
    node.beforeChildren ??= " ";
    node.children = new Document();
    node.children.trailing = "";
  }
  return { doc: node.children, parentIndent: indentOf(node), top: false };
}

/**
 * Inserts `node` right after `anchor`, or at the end when `anchor` is undefined, indented like
 * its siblings and ended like the file's lines (semicolons in a one-line block).
 */
export function insertNode(container: Container, node: Node, anchor: Node | undefined, style: TextStyle): void {
  const { doc } = container;
  const prev = anchor ?? doc.nodes[doc.nodes.length - 1];
  const indent = childIndent(doc, container.top ? "" : container.parentIndent + style.indentUnit);
  if (!prev) {
    const t = doc.trailing ?? "";
    const nl = t.lastIndexOf("\n");
    const before = nl >= 0 ? t.slice(0, nl + 1) : container.top ? "" : style.newline;
    node.leading = before + indent;
    node.trailing = style.newline;
    doc.trailing = nl >= 0 ? t.slice(nl + 1) : container.top ? t : container.parentIndent + t.trimStart();
    doc.nodes.push(node);
    return;
  }
  const pt = prev.trailing ?? "";
  if (pt.includes("\n")) {
    node.leading = indent;
    node.trailing = style.newline;
  } else if (pt.includes(";") || (!container.top && !(doc.trailing ?? "").includes("\n"))) {
    node.leading = " ";
    node.trailing = pt;
    if (!pt.includes(";")) prev.trailing = ";";
  } else {
    prev.trailing = pt + style.newline;
    node.leading = indent;
    node.trailing = "";
  }
  doc.nodes.splice(doc.nodes.indexOf(prev) + 1, 0, node);
}

/**
 * Removes `node` from the container. Comments and blank lines above it (its leading text,
 * where a file's header comment lives) move to what follows; a comment at the end of its own
 * line goes with it.
 */
export function removeNode(container: Container, node: Node): void {
  const { doc } = container;
  const i = doc.nodes.indexOf(node);
  if (i < 0) return;
  const keep = (node.leading ?? "").replace(/[ \t]+$/, "");
  const next = doc.nodes[i + 1];
  if (next) next.leading = keep + (next.leading ?? "");
  else doc.trailing = keep + (doc.trailing ?? "");
  doc.nodes.splice(i, 1);
}
