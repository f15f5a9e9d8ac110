// Zone brands: which ones this package manages.

import { checkPattern, type InputFailure } from "../illumos/names";
import { fail } from "./input-failures";

/** Brands this package manages; bhyve and kvm zones are virtual machines that vm-manager owns. */
export const VM_BRANDS = new Set(["bhyve", "kvm"]);

/** Checks a brand name. */
export function checkBrand(value: unknown, property: string): InputFailure[] {
  if (typeof value === "string" && VM_BRANDS.has(value)) {
    return fail(property, "brand", `${value} zones are virtual machines, which vm-manager manages, not pulumi-zmgr`, "use vm-manager for bhyve/kvm guests; choose a zone brand such as ipkg, lipkg, sparse, pkgsrc or lx");
  }
  return checkPattern(value, property, /^[a-z][a-z0-9_-]*$/, "a brand name such as ipkg, lipkg, sparse, pkgsrc or lx", 64);
}
