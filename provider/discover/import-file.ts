// Builds a `pulumi import --file` file (CLI 3.254+: inputs and outputs given, Read skipped) for a program plan, by adopting each resource as `up` would.

import { ZmgrError } from "../errors";
import { plain } from "../dynamic/errors";
import { createPool, type PoolInputs } from "../operations/pool-ops";
import { createPublisher, type PublisherInputs } from "../operations/publisher-ops";
import { createTemplate } from "../operations/template-ops";
import type { TemplateInputs, TemplateSpec } from "../operations/template-inputs";
import { adoptZone } from "../operations/zone-adopt";
import type { ZoneInputs } from "../operations/zone-inputs";
import type { HostSpec } from "../operations/host-spec";
import { setProgressSink } from "../operations/progress";
import { Ref, type ArgValue, type PlannedKind, type PlannedResource, type ProgramPlan } from "./program-plan";
import { serializedProvider } from "./provider-stubs";
import { useAsDefaultHost } from "./stack-config";

/** One entry of the import file. */
export interface ImportSpec {
  /** The type token, `pulumi-nodejs:dynamic/zmgr:Zone`. */
  readonly type: string;
  /** The Pulumi resource name. */
  readonly name: string;
  /** The resource id (its name on the host). */
  readonly id: string;
  /** The inputs as the SDK class sends them, `__provider` included. */
  readonly inputs: Record<string, unknown>;
  /** The outputs as an adopting create returns them, `__provider` included. */
  readonly outputs: Record<string, unknown>;
}

/** The file `pulumi import --file` reads. */
export interface ImportFile {
  /** The resources. */
  readonly resources: ImportSpec[];
}

/** A resource that could not be adopted, and why. */
export interface ImportFailure {
  /** Its Pulumi name. */
  readonly name: string;
  /** Its kind. */
  readonly kind: PlannedKind;
  /** Why. */
  readonly error: ZmgrError;
}

/** Options of {@link buildImportFile}. */
export interface ImportFileOptions {
  /** The serialized provider of a kind (default: `pulumi.runtime.serializeFunction` of the SDK-shaped stub). */
  readonly serialize?: (kind: PlannedKind) => Promise<string>;
}

/** The type token of each kind (`pulumi-nodejs:dynamic/zmgr:<Class>`, as the SDK classes register them). */
export const TYPE_TOKENS: Readonly<Record<PlannedKind, string>> = {
  publisher: "pulumi-nodejs:dynamic/zmgr:Publisher",
  pool: "pulumi-nodejs:dynamic/zmgr:Pool",
  template: "pulumi-nodejs:dynamic/zmgr:Template",
  zone: "pulumi-nodejs:dynamic/zmgr:Zone",
};

/**
 * Adopts every planned resource on `host` exactly as the program's `pulumi up` would (registry
 * entries must match; zones must match and get their zone file written if missing), with `host`
 * as the default host (the stack config the program will use), and returns the import file: for
 * each resource the inputs the SDK class sends and the outputs the adopting create returns, both
 * with `__provider`. A resource that does not adopt is left out and listed in `failures`.
 */
export async function buildImportFile(plan: ProgramPlan, host: HostSpec, options: ImportFileOptions = {}): Promise<{ file: ImportFile; failures: ImportFailure[] }> {
  const serialize = options.serialize ?? serializedProvider;
  useAsDefaultHost(host);
  const previousSink = setProgressSink(() => undefined);
  const byVariable = new Map(plan.resources.map((r) => [r.variable, r]));
  const specs = new Map<string, TemplateSpec>();
  const resources: ImportSpec[] = [];
  const failures: ImportFailure[] = [];
  try {
    for (const r of plan.resources) {
      const inputs = sdkInputs(r, byVariable, specs);
      let outputs: Record<string, unknown>;
      try {
        outputs = plain(await adopt(r.kind, inputs)) as Record<string, unknown>;
      } catch (err) {
        if (!ZmgrError.isInstance(err)) throw err;
        failures.push({ name: r.name, kind: r.kind, error: err });
        continue;
      }
      if (r.kind === "template") specs.set(r.variable, outputs.spec as TemplateSpec);
      const __provider = await serialize(r.kind);
      resources.push({ type: TYPE_TOKENS[r.kind], name: r.name, id: r.name, inputs: { ...inputs, __provider }, outputs: { ...outputs, __provider } });
    }
  } finally {
    setProgressSink(previousSink);
  }
  return { file: { resources }, failures };
}

/** The inputs the SDK class sends for a planned resource: references resolved, `name` set, a Template turned into `template` + `templateSpec`. */
function sdkInputs(r: PlannedResource, byVariable: ReadonlyMap<string, PlannedResource>, specs: ReadonlyMap<string, TemplateSpec>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.args)) {
    if (r.kind === "zone" && k === "template" && v instanceof Ref) {
      out.template = byVariable.get(v.variable)!.name;
      const spec = specs.get(v.variable);
      if (spec) out.templateSpec = spec;
    } else out[k] = resolve(v, byVariable);
  }
  out.name = r.name;
  return plain(out);
}

function resolve(v: ArgValue, byVariable: ReadonlyMap<string, PlannedResource>): unknown {
  if (v instanceof Ref) return byVariable.get(v.variable)!.name;
  if (Array.isArray(v)) return v.map((x) => resolve(x, byVariable));
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x as ArgValue, byVariable)]));
  return v;
}

function adopt(kind: PlannedKind, inputs: Record<string, unknown>): Promise<unknown> {
  switch (kind) {
    case "publisher":
      return createPublisher(inputs as unknown as PublisherInputs);
    case "pool":
      return createPool(inputs as unknown as PoolInputs);
    case "template":
      return createTemplate(inputs as unknown as TemplateInputs);
    case "zone":
      return adoptZone(inputs as unknown as ZoneInputs);
  }
}
