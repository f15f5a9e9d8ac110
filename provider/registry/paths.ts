// Where registry files live: the root, one directory per kind, and safe file names.

import { ZmgrError } from "../errors";

/** The registry root zmgr uses on a host. */
export const DEFAULT_REGISTRY_ROOT = "/etc/zmgr";

/** The five kinds of registry file. */
export type RegistryKind = "config" | "pool" | "template" | "zone" | "publisher";

/** The kinds stored one file per object, in a directory. */
export type NamedKind = Exclude<RegistryKind, "config">;

/** The directory (under the root) of each named kind. */
export const KIND_DIRS: Readonly<Record<NamedKind, string>> = {
  pool: "pools",
  template: "templates",
  zone: "zones",
  publisher: "publishers",
};

/** The config file, relative to the root. */
export const CONFIG_FILE = "config.kdl";

/** The lock directory, relative to the root. */
export const LOCK_DIR = ".lock";

/** Names that may become file names: a letter or digit first, then letters, digits, `_ . + -`; at most 128 characters. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}$/;

/** Throws `zmgr::registry::name` unless `name` is usable as a registry file name. */
export function checkName(kind: NamedKind, name: string): void {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new ZmgrError("zmgr::registry::name", `${kind} name ${JSON.stringify(name)} cannot be a registry file name`, {
      help: "use letters, digits and _ . + - (starting with a letter or digit), at most 128 characters",
      details: { kind, name },
    });
  }
}

/** True when `name` is a valid registry name. */
export function isValidName(name: string): boolean {
  return NAME.test(name);
}

/** The path of an object's file relative to the root: `zones/web.kdl`, or `config.kdl`. */
export function relativePath(kind: RegistryKind, name?: string): string {
  if (kind === "config") return CONFIG_FILE;
  checkName(kind, name!);
  return `${KIND_DIRS[kind]}/${name}.kdl`;
}

/** Joins the root and a relative path. */
export function absolutePath(root: string, rel: string): string {
  return root.endsWith("/") ? root + rel : `${root}/${rel}`;
}

/** Throws `zmgr::registry::root` unless `root` is an absolute path without `..` or newlines. */
export function checkRoot(root: string): void {
  if (typeof root !== "string" || !root.startsWith("/") || root.split("/").includes("..") || /[\n\0]/.test(root)) {
    throw new ZmgrError("zmgr::registry::root", `registry root ${JSON.stringify(root)} must be an absolute path without ".."`, {
      help: `use an absolute directory such as ${DEFAULT_REGISTRY_ROOT}`,
      details: { root },
    });
  }
}
