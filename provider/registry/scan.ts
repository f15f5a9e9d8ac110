// Reads any number of registry files and directories from a host in one round trip, framed by a per-call random marker.

import { randomBytes } from "node:crypto";
import { ZmgrError } from "../errors";
import { runChecked } from "../transport/checked";
import type { BatchStep } from "../transport/batch";
import type { Host, RunResult } from "../transport/host";
import { checkRoot } from "./paths";

/** Default per-file size limit: 256 KiB (a zone file is a few hundred bytes). */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024;

/** What the host reported for one path. */
export type ScanStatus = "ok" | "missing" | "oversize" | "unreadable" | "notfile" | "badname";

/** One file (or an unreadable directory, with a trailing `/`) as read from the host. */
export interface ScannedFile {
  /** Path relative to the registry root: `zones/web.kdl`, or `zones/` for the directory itself. */
  readonly rel: string;
  /** What happened. */
  readonly status: ScanStatus;
  /** The file's text, when `status` is `ok`. */
  readonly text?: string;
}

/** What to read: files (`config.kdl`, `pools/lan.kdl`) and directories whose `*.kdl` files are all read (`zones`). */
export interface ScanRequest {
  /** Files relative to the root. A missing one is reported with status `missing`. */
  readonly files?: readonly string[];
  /** Directories relative to the root. A missing directory holds no files. */
  readonly dirs?: readonly string[];
}

/**
 * POSIX sh (ksh93 on illumos, dash, bash). Arguments: marker, size limit, root, then `f:REL`
 * or `d:REL` items. Only shell builtins run per file (no fork): `read` copies each line, so a
 * thousand zone files cost one process; each entry is printed with one printf, so the reader (sshd) is woken once
 * per file, not once per line. LC_ALL=C makes `${#line}` count bytes. Each entry is
 * `\n<marker> file <rel>\n<content>\n<marker> end <status>`; the output ends `\n<marker> over`.
 */
const SCAN_SCRIPT = `LC_ALL=C; export LC_ALL
m=$1; max=$2; root=$3; shift 3
nl='
'
emit() {
  case $1 in *"$nl"*) printf '\\n%s file ?\\n\\n%s end badname' "$m" "$m"; return;; esac
  st=ok; size=0; line=; text=
  if [ ! -e "$2" ] && [ ! -h "$2" ]; then st=missing
  elif [ ! -f "$2" ]; then st=notfile
  elif [ ! -r "$2" ]; then st=unreadable
  else
    { while IFS= read -r line; do
        size=$((size + \${#line} + 1))
        if [ "$size" -gt "$max" ]; then st=oversize; break; fi
        text=$text$line$nl
        line=
      done
      if [ "$st" = ok ] && [ -n "$line" ]; then
        size=$((size + \${#line}))
        if [ "$size" -gt "$max" ]; then st=oversize; else text=$text$line; fi
      fi
    } < "$2" || st=unreadable
  fi
  [ "$st" = ok ] || text=
  printf '\\n%s file %s\\n%s\\n%s end %s' "$m" "$1" "$text" "$m" "$st"
}
for item in "$@"; do
  rel=\${item#?:}
  case $item in
  f:*) emit "$rel" "$root/$rel" ;;
  d:*)
    dir=$root/$rel
    if [ -d "$dir" ]; then
      if [ ! -r "$dir" ] || [ ! -x "$dir" ]; then
        printf '\\n%s file %s/\\n\\n%s end unreadable' "$m" "$rel" "$m"
      else
        for f in "$dir"/*.kdl; do
          [ -e "$f" ] || [ -h "$f" ] || continue
          emit "$rel/\${f##*/}" "$f"
        done
      fi
    elif [ -e "$dir" ]; then
      printf '\\n%s file %s/\\n\\n%s end notfile' "$m" "$rel" "$m"
    fi ;;
  esac
done
printf '\\n%s over\\n' "$m"
`;

/** Options of {@link scanRegistry}. */
export interface ScanOptions {
  /** Per-file size limit in bytes; a larger file is reported `oversize` (default 256 KiB). */
  readonly maxFileBytes?: number;
}

/** Reads the requested files and directories under `root` on `host` with one command. */
export async function scanRegistry(host: Host, root: string, request: ScanRequest, options: ScanOptions = {}): Promise<ScannedFile[]> {
  const scan = scanStep(root, request, options);
  return scan.parse(await runChecked(host, scan.step.argv));
}

/** The scan as one step of a batch (see transport/batch.ts), and how to read its result. */
export function scanStep(root: string, request: ScanRequest, options: ScanOptions = {}): { step: BatchStep; parse(result: RunResult | undefined): ScannedFile[] } {
  checkRoot(root);
  const max = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const items = [...(request.files ?? []).map((f) => `f:${f}`), ...(request.dirs ?? []).map((d) => `d:${d}`)];
  for (const item of items) {
    if (item.slice(2).split("/").includes("..") || item.slice(2).startsWith("/")) {
      throw new ZmgrError("zmgr::registry::name", `registry path ${item.slice(2)} leaves the root`, { help: "this is a bug in pulumi-zmgr; please report it" });
    }
  }
  const marker = `@@zmgr-${randomBytes(16).toString("hex")}`;
  const argv = ["/bin/sh", "-c", SCAN_SCRIPT, "sh", marker, String(max), root.replace(/\/+$/, "") || "/", ...items];
  return {
    step: { argv },
    parse: (result) => {
      if (!result || result.exitCode !== 0) {
        throw new ZmgrError("zmgr::registry::read", `reading the registry under ${root} failed${result ? ` (exit code ${result.exitCode}): ${result.stderr.trim()}` : ": the command did not run"}`, {
          help: "check that the registry root is readable by the login (or use pfexec/sudo)",
          details: { root },
        });
      }
      return parseScanOutput(result.stdout, marker, root);
    },
  };
}

/** Splits the framed output of the scan script. Exported for tests. */
export function parseScanOutput(stdout: string, marker: string, root: string): ScannedFile[] {
  const pieces = stdout.split(`\n${marker} `);
  const bad = (why: string) =>
    new ZmgrError("zmgr::registry::read", `reading the registry under ${root} returned malformed output (${why})`, {
      help: "the host's /bin/sh printed something unexpected; check that the root is a directory and retry",
      details: { root },
    });
  if (pieces[0] !== "" || pieces[pieces.length - 1]?.trim() !== "over") throw bad("incomplete");
  const out: ScannedFile[] = [];
  for (let i = 1; i < pieces.length - 1; i += 2) {
    const head = pieces[i]!;
    const tail = pieces[i + 1];
    const nl = head.indexOf("\n");
    if (!head.startsWith("file ") || nl < 0 || !tail?.startsWith("end ")) throw bad(`entry ${(i + 1) / 2}`);
    const rel = head.slice(5, nl);
    const status = tail.slice(4) as ScanStatus;
    if (!["ok", "missing", "oversize", "unreadable", "notfile", "badname"].includes(status)) throw bad(`status ${status}`);
    out.push(status === "ok" ? { rel, status, text: head.slice(nl + 1) } : { rel, status });
  }
  return out;
}
