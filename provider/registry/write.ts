// Atomic registry writes on the host: a private temporary file in the target's directory, then rename (or link for create-only).

import { randomBytes } from "node:crypto";
import { ZmgrError } from "../errors";
import { commandFailed } from "../transport/checked";
import type { BatchStep } from "../transport/batch";
import type { Host, RunResult } from "../transport/host";
import { posixCksum } from "./cksum";
import { absolutePath, checkRoot } from "./paths";

/**
 * What the file must be before the write:
 * - `absent`: create only; fails with a conflict if the file exists (atomic: `ln`, never overwrites);
 * - `{ text }`: replace only if the file still holds exactly `text` (checked with `cksum`);
 *   `{ text: undefined }` means the file must still be absent but allows a replace-style write;
 * - `any`: overwrite whatever is there.
 */
export type WriteExpectation = "absent" | "any" | { readonly text: string | undefined };

/**
 * POSIX sh. Arguments: root, relative path, mode (create | replace | force), expected `CRC SIZE`
 * or `absent`, then `-` (the content comes on stdin) or `=CONTENT` (printed by the printf builtin: no
 * process, and the batch's stdin stays free for another command), then a random suffix for the temporary file's
 * name. Directories are made 0755; the temporary file is created 0600 (never world-readable while written) and
 * exclusively (`set -C`: never through an existing file or link), then made 0644 and renamed over the target, so a
 * crash leaves the old file or the new one, never a mix.
 * Exit 3: the target is not what was expected (conflict). Exit 4: a failure (stderr says why).
 */
const WRITE_SCRIPT = `root=$1; rel=$2; mode=$3; want=$4; data=$5
target=$root/$rel
dir=\${target%/*}
umask 022
if [ ! -d "$dir" ]; then mkdir -p "$dir" || exit 4; fi
umask 077
set -C
tmp=$dir/.zmgr-write.$6
case $data in
=*) printf '%s' "\${data#=}" > "$tmp" ;;
*) cat > "$tmp" ;;
esac || { rm -f "$tmp"; exit 4; }
if ! chmod 644 "$tmp"; then rm -f "$tmp"; exit 4; fi
case $mode in
create)
  if ln "$tmp" "$target" 2>/dev/null; then rm -f "$tmp"; exit 0; fi
  rm -f "$tmp"
  if [ -e "$target" ] || [ -h "$target" ]; then exit 3; fi
  echo "cannot create $target" >&2; exit 4 ;;
replace)
  if [ -e "$target" ] || [ -h "$target" ]; then
    sum=$(cksum < "$target") || { rm -f "$tmp"; exit 4; }
    set -- $sum; have="$1 $2"
  else
    have=absent
  fi
  if [ "$have" != "$want" ]; then rm -f "$tmp"; exit 3; fi ;;
esac
if ! mv -f "$tmp" "$target"; then rm -f "$tmp"; exit 4; fi
`;

/** POSIX sh. Arguments: root, relative path, expected `CRC SIZE` or empty for any. Exit 3: changed since read. */
const DELETE_SCRIPT = `target=$1/$2; want=$3
if [ ! -e "$target" ] && [ ! -h "$target" ]; then exit 0; fi
if [ -n "$want" ]; then
  sum=$(cksum < "$target") || exit 4
  set -- $sum
  [ "$1 $2" = "$want" ] || exit 3
fi
rm -f "$target" || exit 4
`;

/** `zmgr::registry::conflict`: the file is not in the state a write expected. */
export function conflictError(path: string, what: string): ZmgrError {
  return new ZmgrError("zmgr::registry::conflict", `${path} ${what}`, {
    help: "another program (the zmgr CLI, a person, another deployment) changed the registry at the same time; run again to work from the current file",
    details: { path },
  });
}

function writeFailed(host: Host, argv: readonly string[], result: { stdout: string; stderr: string; exitCode: number }, path: string): ZmgrError {
  const cause = commandFailed(host, argv.slice(0, 3), result);
  return new ZmgrError("zmgr::registry::write", `could not write ${path} on ${host.label}: ${result.stderr.trim() || `exit code ${result.exitCode}`}`, {
    help: "check that the registry directory exists and is writable by the login (or use pfexec/sudo), and that the file system is not full",
    cause,
    details: { path, host: host.label, exitCode: result.exitCode },
  });
}

/** Writes `text` to `root/rel` atomically, checking `expect` first. Throws `zmgr::registry::conflict` or `zmgr::registry::write`. */
export async function writeRegistryFile(host: Host, root: string, rel: string, text: string, expect: WriteExpectation): Promise<void> {
  const write = writeStep(host, root, rel, expect);
  write.check(await host.run(write.step.argv, { stdin: text }));
}

/**
 * The write as one step of a batch (see transport/batch.ts) that takes the content as the batch's stdin, or
 * carries `text` in its argv when given (for small files: a zone file is a few hundred bytes);
 * `check` throws `zmgr::registry::conflict` or `zmgr::registry::write` for its result.
 */
export function writeStep(host: Host, root: string, rel: string, expect: WriteExpectation, text?: string): { step: BatchStep; check(result: RunResult | undefined): void } {
  checkRoot(root);
  const path = absolutePath(root, rel);
  const mode = expect === "absent" ? "create" : expect === "any" ? "force" : "replace";
  const want = typeof expect === "object" ? (expect.text === undefined ? "absent" : posixCksum(expect.text)) : "";
  const argv = ["/bin/sh", "-c", WRITE_SCRIPT, "sh", root, rel, mode, want, text === undefined ? "-" : `=${text}`, randomBytes(8).toString("hex")];
  return {
    step: text === undefined ? { argv, stdin: true } : { argv },
    check: (result) => {
      if (!result) throw writeFailed(host, argv, { stdout: "", stderr: "the write did not run", exitCode: -1 }, path);
      if (result.exitCode === 3) throw conflictError(path, expect === "absent" ? "already exists" : "changed since it was read");
      if (result.exitCode !== 0) throw writeFailed(host, argv, result, path);
    },
  };
}

/** Deletes `root/rel` (no error when already gone); with `expectText`, only if it still holds exactly that text. */
export async function deleteRegistryFile(host: Host, root: string, rel: string, expectText?: string): Promise<void> {
  const del = deleteStep(host, root, rel, expectText);
  del.check(await host.run(del.step.argv));
}

/** The delete as one step of a batch; `check` throws `zmgr::registry::conflict` or `zmgr::registry::write` for its result. */
export function deleteStep(host: Host, root: string, rel: string, expectText?: string): { step: BatchStep; check(result: RunResult | undefined): void } {
  checkRoot(root);
  const path = absolutePath(root, rel);
  const argv = ["/bin/sh", "-c", DELETE_SCRIPT, "sh", root, rel, expectText === undefined ? "" : posixCksum(expectText)];
  return {
    step: { argv },
    check: (result) => {
      if (!result) throw writeFailed(host, argv, { stdout: "", stderr: "the delete did not run", exitCode: -1 }, path);
      if (result.exitCode === 3) throw conflictError(path, "changed since it was read; not deleted");
      if (result.exitCode !== 0) throw writeFailed(host, argv, result, path);
    },
  };
}
