// Small helpers shared by the input checks of the four resources.

import type { InputFailure } from "../illumos/names";
import { isValidName } from "../registry/paths";

/** One failure of `property` with code `zmgr::input::<code>`. */
export function fail(property: string, code: string, reason: string, help: string): InputFailure[] {
  return [{ property, reason, help, code: `zmgr::input::${code}` }];
}

/** Checks a name that becomes a registry file name (pool, template, publisher). */
export function checkRegistryName(value: unknown, property: string): InputFailure[] {
  if (typeof value === "string" && isValidName(value)) return [];
  return fail(property, "name", `${JSON.stringify(value)} is not a usable name`, "use letters, digits and _ . + - (starting with a letter or digit), at most 128 characters");
}

/** The failures as Pulumi `check` wants them: property and reason (the reason carries code and help). */
export function toCheckFailures(failures: readonly InputFailure[]): { property: string; reason: string }[] {
  return failures.map((f) => ({ property: f.property, reason: `${f.reason} [${f.code}]; ${f.help}` }));
}
