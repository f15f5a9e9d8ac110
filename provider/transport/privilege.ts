// How a non-root login gains root for illumos commands: pfexec (RBAC profiles) or sudo -n.

import { ZmgrError } from "../errors";

/** `none`: the login is root. `pfexec`: RBAC profile (illumos default). `sudo`: `sudo -n`, never prompts. */
export type Privilege = "none" | "pfexec" | "sudo";

/** The argv prefix for a privilege mode. */
export function privilegePrefix(privilege: Privilege): readonly string[] {
  switch (privilege) {
    case "none":
      return [];
    case "pfexec":
      return ["pfexec"];
    case "sudo":
      return ["sudo", "-n", "--"];
    default:
      throw new ZmgrError("zmgr::host::privilege", `privilege must be "none", "pfexec" or "sudo", got ${JSON.stringify(privilege)}`, {
        help: 'use "pfexec" for a login with the Primary Administrator or Zone Management profile, "sudo" for passwordless sudo, "none" for root',
      });
  }
}
