// Validates a Template's inputs (and the templateSpec a Zone may carry) without touching any host.

import { checkAbsolutePath, checkPublisherName, type InputFailure } from "../illumos/names";
import { checkHostSpec } from "./host-spec";
import { checkRegistryName, fail } from "./input-failures";
import type { TemplateInputs, TemplateSpec } from "./template-inputs";
import { checkBrand } from "./brand";

/** Every problem with a template spec; property names are prefixed with `prefix.` when given. */
export function checkTemplateSpec(spec: TemplateSpec, prefix = ""): InputFailure[] {
  const p = (k: string) => (prefix ? `${prefix}.${k}` : k);
  if (spec === null || typeof spec !== "object") return fail(prefix || "template", "type", "must be an object", "give the template's settings");
  const out: InputFailure[] = [];
  if (spec.brand === undefined) out.push(...fail(p("brand"), "required", "is required", "give the zone brand, e.g. ipkg, lipkg, sparse"));
  else out.push(...checkBrand(spec.brand, p("brand")));
  if (spec.autoboot !== undefined && typeof spec.autoboot !== "boolean") out.push(...fail(p("autoboot"), "type", "must be true or false", "give a boolean"));
  if (spec.pool !== undefined) out.push(...checkRegistryName(spec.pool, p("pool")));
  if (spec.ipType !== undefined && spec.ipType !== "exclusive") {
    out.push(...fail(p("ipType"), "ip-type", `${JSON.stringify(spec.ipType)} is not supported: zones get their own VNIC and address from a pool`, 'use "exclusive" (the default)'));
  }
  if (spec.zonepathPrefix !== undefined) out.push(...checkAbsolutePath(spec.zonepathPrefix, p("zonepathPrefix")));
  if (spec.publishers !== undefined) {
    if (!Array.isArray(spec.publishers)) out.push(...fail(p("publishers"), "type", "must be a list of publisher names", 'give e.g. ["omnios"]'));
    else spec.publishers.forEach((n, i) => out.push(...checkPublisherName(n, `${p("publishers")}[${i}]`)));
  }
  return out;
}

/** Every problem with a Template's inputs. */
export function checkTemplateInputs(inputs: TemplateInputs): InputFailure[] {
  const known = new Set(["name", "host", "brand", "autoboot", "pool", "ipType", "zonepathPrefix", "publishers", "adopt"]);
  const out: InputFailure[] = [];
  for (const key of Object.keys(inputs)) if (!known.has(key) && !key.startsWith("__")) out.push(...fail(key, "unknown", "is not a Template input", `use ${[...known].join(", ")}`));
  out.push(...checkRegistryName(inputs.name, "name"), ...checkHostSpec(inputs.host), ...checkTemplateSpec(inputs));
  if (inputs.adopt !== undefined && typeof inputs.adopt !== "boolean") out.push(...fail("adopt", "type", "must be true or false", "give a boolean"));
  return out;
}
