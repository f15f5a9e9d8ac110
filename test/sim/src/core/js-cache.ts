// Start-up speed: Node 22 re-strips TypeScript on every run (~1 ms per KB), so the entry points
// load a type-stripped JavaScript copy of this source tree, built once into the temp directory
// (keyed by the sources' paths, sizes and mtimes) and replaced atomically when a source changes.

import module from "node:module";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

type Main = (args: string[]) => never;

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..");

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

function build(files: string[], target: string): void {
  const tmp = `${target}.build.${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const f of files) {
    const out = join(tmp, relative(SRC, f)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(out), { recursive: true });
    const js = module.stripTypeScriptTypes(readFileSync(f, "utf8"), { mode: "strip" });
    writeFileSync(out, js.replace(/((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']+)\.ts\2/g, "$1$2$3.js$2"));
  }
  writeFileSync(join(tmp, "package.json"), '{ "type": "module" }\n');
  try {
    renameSync(tmp, target);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process built it first
  }
}

/** Loads `<tool>/main`: from the stripped cache when possible, else straight from the .ts. */
export async function loadMain(tool: string): Promise<Main> {
  if (typeof module.stripTypeScriptTypes === "function" && process.env["ILLUMOS_SIM_NO_JS_CACHE"] === undefined) {
    try {
      const files = sources(SRC).sort();
      const sig = createHash("sha256").update(process.version + SRC);
      for (const f of files) {
        const st = statSync(f);
        sig.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
      }
      const base = join(tmpdir(), "illumos-sim-js");
      const target = join(base, sig.digest("hex").slice(0, 20));
      try {
        statSync(join(target, "package.json"));
      } catch {
        mkdirSync(base, { recursive: true });
        build(files, target);
      }
      return ((await import(pathToFileURL(join(target, tool, "main.js")).href)) as { main: Main }).main;
    } catch {
      /* fall back to the TypeScript sources */
    }
  }
  return ((await import(`../${tool}/main.ts`)) as { main: Main }).main;
}
