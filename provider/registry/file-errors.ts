// The errors a registry file can have: syntax, schema, size, access. Each names the file and, where it can, line and column.

import { InvalidKdlError } from "@bgotink/kdl";
import { ZmgrError } from "../errors";

/** A position in a file, 1-based. */
export interface FilePosition {
  /** Line, from 1. */
  readonly line: number;
  /** Column, from 1. */
  readonly column: number;
}

function where(path: string, pos: FilePosition | undefined): string {
  return pos ? `${path}:${pos.line}:${pos.column}` : path;
}

/** `zmgr::registry::parse`: the file is not valid KDL v2 (`fallback`: where to point when the parser does not say). */
export function parseError(path: string, err: unknown, fallback?: FilePosition): ZmgrError {
  const first = err instanceof InvalidKdlError ? ([...err.flat()][0] ?? err) : undefined;
  const pos = first?.start ? { line: first.start.line, column: first.start.column } : fallback;
  const reason = (first?.message ?? `the KDL parser failed: ${err instanceof Error ? err.message : String(err)}`).replace(/ at \d+:\d+$/, "");
  return new ZmgrError("zmgr::registry::parse", `${where(path, pos)}: ${reason}`, {
    help: "fix the KDL v2 syntax there (strings in double quotes, #true/#false, balanced braces); pulumi-zmgr never rewrites a file it cannot parse",
    cause: err,
    details: { path, line: pos?.line, column: pos?.column },
  });
}

/** `zmgr::registry::schema`: valid KDL, but not the shape this kind of file must have. */
export function schemaError(path: string, pos: FilePosition | undefined, message: string, help: string): ZmgrError {
  return new ZmgrError("zmgr::registry::schema", `${where(path, pos)}: ${message}`, {
    help: `${help}; see docs/registry.md for the format`,
    details: { path, line: pos?.line, column: pos?.column },
  });
}

/** Re-labels a value error (a pool or address error) with the file position, keeping its code. */
export function valueError(path: string, pos: FilePosition | undefined, err: ZmgrError): ZmgrError {
  return new ZmgrError(err.code, `${where(path, pos)}: ${err.message}`, {
    help: err.help,
    cause: err,
    details: { ...err.details, path, line: pos?.line, column: pos?.column },
  });
}

/** `zmgr::registry::oversize`: the file is larger than the read limit. */
export function oversizeError(path: string, limit: number): ZmgrError {
  return new ZmgrError("zmgr::registry::oversize", `${path} is larger than ${limit} bytes and was not read`, {
    help: "registry files are small; look at what wrote this one, or raise maxFileBytes if it is really meant to be this big",
    details: { path, limit },
  });
}

/** `zmgr::registry::unreadable`: the file exists but cannot be read (permissions, not a regular file, odd name). */
export function unreadableError(path: string, reason: string): ZmgrError {
  return new ZmgrError("zmgr::registry::unreadable", `${path} cannot be read: ${reason}`, {
    help: "check the file's type and permissions (registry files are regular files, mode 0644, owned by root)",
    details: { path, reason },
  });
}

/** `zmgr::registry::not-found`: a named file does not exist. */
export function notFoundError(path: string, what: string): ZmgrError {
  return new ZmgrError("zmgr::registry::not-found", `${what} not found: ${path} does not exist`, {
    help: "check the name, or create it first",
    details: { path },
  });
}
