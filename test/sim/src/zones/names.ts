// Name rules: zone names (zonecfg_validate_zonename) and datalink names (dladm_valid_linkname).

/** Maximum zone name length + 1 (ZONENAME_MAX). */
export const ZONENAME_MAX = 64;

/** True for a valid non-global zone name: [A-Za-z0-9][A-Za-z0-9_.-]*, < 64 chars, not "global". */
export function validZoneName(name: string): boolean {
  return name !== "global" && name.length < ZONENAME_MAX && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name);
}

/** Maximum datalink name length + 1 (MAXLINKNAMELEN). */
export const MAXLINKNAMELEN = 32;

/** True for a valid datalink name: <= 31 chars of [A-Za-z0-9_.], not starting with a digit, ending with one. */
export function validLinkName(name: string): boolean {
  return name.length > 0 && name.length < MAXLINKNAMELEN && /^[A-Za-z0-9_.]+$/.test(name) && !/^[0-9]/.test(name) && /[0-9]$/.test(name);
}
