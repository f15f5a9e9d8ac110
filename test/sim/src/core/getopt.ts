// getopt(3C) as the illumos tools call it: the options in order, errors among them, and where the operands start.

/** One option as getopt(3C) returns it: a letter with its argument, or an error naming the offending letter. */
export type GetoptItem =
  | { readonly c: string; readonly arg?: string; readonly error?: undefined }
  | { readonly c: string; readonly error: "unknown" | "missing" };

/**
 * Parses `argv` against `spec` (letters; a letter followed by `:` takes an argument, attached or the next word).
 * Parsing stops at `--` (consumed), `-`, or the first word not starting with `-`. Callers report the first error, as
 * the C tools do when getopt() returns `?`.
 */
export function getopt(argv: readonly string[], spec: string): { opts: GetoptItem[]; optind: number } {
  const opts: GetoptItem[] = [];
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    i++;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const at = spec.indexOf(c);
      if (at < 0 || c === ":") {
        opts.push({ c, error: "unknown" });
        continue;
      }
      if (spec[at + 1] === ":") {
        if (j + 1 < a.length) opts.push({ c, arg: a.slice(j + 1) });
        else if (i < argv.length) opts.push({ c, arg: argv[i++]! });
        else opts.push({ c, error: "missing" });
        break;
      }
      opts.push({ c });
    }
  }
  return { opts, optind: i };
}
