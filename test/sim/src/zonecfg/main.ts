// zonecfg(8): option parsing, input modes (one command, -f file, -f -, stdin) and the command loop.

import { readFileSync, statSync } from "node:fs";
import { getopt } from "../core/getopt.ts";
import { runTool } from "../core/run.ts";
import { withLock } from "../core/lock.ts";
import { readKnobs } from "../core/knobs.ts";
import type { Io } from "../core/io.ts";
import { HostState } from "../zones/host-state.ts";
import { validZoneName } from "../zones/names.ts";
import { lex, type Tok } from "./lexer.ts";
import { parseStep } from "./grammar.ts";
import { Session, type SessionMode } from "./session.ts";
import { HELP_SUBCMDS, HELP_SYNTAX, HELP_USAGE, usageText } from "./help.ts";

function readStdin(): string {
  try {
    return readFileSync(0, "utf8");
  } catch {
    return "";
  }
}

function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "No such file or directory";
  if (code === "EACCES") return "Permission denied";
  return String((e as Error).message);
}

function skipToTerm(toks: Tok[], k: number): number {
  while (toks[k]!.kind !== "TERM" && toks[k]!.kind !== "EOF") k++;
  return toks[k]!.kind === "TERM" ? k + 1 : k;
}

/** read_input()/one_command_at_a_time(): runs the commands of `text`; returns the exit status. */
function runCommands(s: Session, text: string, stopOnExit: boolean): number {
  const toks = lex(text);
  let i = 0;
  for (;;) {
    const step = parseStep(toks, i);
    if (step.t === "eof") break;
    if (step.t === "empty") {
      s.lexLineno = toks[step.next - 1]!.lineAfter;
      i = step.next;
    } else if (step.t === "cmd") {
      const term = toks[step.termIdx]!;
      if (term.kind === "EOF") break; // a last command without terminator is never reduced
      s.lexLineno = term.lineAfter;
      if (term.kind === "TERM") {
        s.run(step.cmd);
        i = step.termIdx + 1;
      } else {
        s.syntaxError(term.raw);
        i = skipToTerm(toks, step.termIdx);
      }
    } else if (step.t === "usage") {
      s.lexLineno = toks[step.tokIdx]!.lineAfter;
      s.grammarUsage(step.usage);
      i = skipToTerm(toks, step.tokIdx);
    } else {
      const t = toks[step.at]!;
      if (t.kind === "EOF") break; // yyerror at end of input is silent
      s.lexLineno = t.lineAfter;
      s.syntaxError(t.raw);
      i = skipToTerm(toks, step.at);
    }
    if (stopOnExit) {
      if (s.sawError && s.mode.cmdFileMode) s.timeToExit = true; // -f: the first error stops processing
      if (s.timeToExit) break;
    }
  }
  s.lexLineno = toks[toks.length - 1]!.lineAfter;
  return s.cleanup();
}

function zonecfg(io: Io, paths: import("../core/paths.ts").SimPaths, args: readonly string[]): number {
  const usage = (flags: number, verbose = false) => (verbose ? io.print(usageText(true, flags)) : io.eprint(usageText(false, flags)));
  if (args.length < 1) {
    usage(HELP_USAGE | HELP_SUBCMDS);
    return 2;
  }
  const host = new HostState(paths);
  const mode: SessionMode = { cmdFileMode: false, cmdFileName: "", interactiveMode: false, commitOnError: readKnobs(paths).zonecfgCommitOnError === true };
  if (args[0] === "help") {
    const s = new Session(io, host, "", mode);
    runCommands(s, args.join(" ") + "\n", false);
    return 0;
  }
  let zone = "";
  const { opts, optind: i } = getopt(args, "f:R:z:");
  for (const o of opts) {
    const c = o.c;
    if (o.error === "unknown") {
      if (c !== "?") io.eprint(`zonecfg: illegal option -- ${c}\n`);
      usage(c === "?" ? HELP_USAGE | HELP_SUBCMDS : HELP_USAGE, c === "?");
      return 2;
    }
    if (o.error) {
      io.eprint(`zonecfg: option requires an argument -- ${c}\n`);
      usage(HELP_USAGE);
      return 2;
    }
    const arg = o.arg!;
    if (c === "f") {
      mode.cmdFileName = arg;
      mode.cmdFileMode = true;
    } else if (c === "R") {
      if (!arg.startsWith("/")) {
        io.eprint(`root path must be absolute: ${arg}\n`);
        return 2;
      }
      let dir = false;
      try {
        dir = statSync(arg).isDirectory();
      } catch {
        /* not there */
      }
      if (!dir) {
        io.eprint(`root path must be a directory: ${arg}\n`);
        return 2;
      }
    } else {
      if (arg !== "global" && !validZoneName(arg)) {
        io.eprint(`${arg}: Bogus zone name\n`);
        usage(HELP_SYNTAX);
        return 2;
      }
      zone = arg;
    }
  }
  if (zone === "") {
    usage(HELP_USAGE);
    return 2;
  }
  let text: string;
  let stopOnExit = true;
  if (i < args.length) {
    text = args.slice(i).join(" ") + "\n";
    stopOnExit = false;
  } else if (!mode.cmdFileMode) {
    mode.interactiveMode = true;
    text = readStdin();
  } else if (mode.cmdFileName === "-") {
    text = readStdin(); // file mode like any FILE (SPEC §1.1): stdin is never a terminal here
  } else {
    try {
      if (!statSync(mode.cmdFileName).isFile()) {
        io.eprint(`${mode.cmdFileName} is not a regular file.\n`);
        return 1;
      }
      text = readFileSync(mode.cmdFileName, "utf8");
    } catch (e) {
      io.eprint(`could not open file ${mode.cmdFileName}: ${strerror(e)}\n`);
      return 1;
    }
  }
  return withLock(paths.hostLock, () => {
    const s = new Session(io, host, zone, mode);
    if (mode.interactiveMode) s.initialize(false);
    return runCommands(s, text, stopOnExit);
  });
}

/** Runs zonecfg with its arguments. */
export function main(args: string[]): never {
  return runTool("zonecfg", args, (io, ctx) => zonecfg(io, ctx.paths, args));
}
