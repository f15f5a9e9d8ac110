// Assertion helpers for the simulator conformance tests: stdout, stderr and exit code at once.

import type { SimResult } from "../harness/sim";

/** The expected outcome of a command; omitted streams must be empty. */
export interface Expected {
  /** Expected standard output (default ""). */
  stdout?: string;
  /** Expected standard error (default ""). */
  stderr?: string;
  /** Expected exit status. */
  exitCode: number;
}

/** Asserts all three of stdout, stderr and the exit status. */
export function expectResult(actual: SimResult, expected: Expected): void {
  expect({ stdout: actual.stdout, stderr: actual.stderr, exitCode: actual.exitCode }).toEqual({
    stdout: expected.stdout ?? "",
    stderr: expected.stderr ?? "",
    exitCode: expected.exitCode,
  });
}

/** zonecfg's subcommand list (usage(B_FALSE, HELP_SUBCMDS)), printed after syntax errors. */
export const ZONECFG_COMMANDS =
  "Commands:\n\n" +
  "add <resource-type>\n\t(global scope)\nadd <property-name> <property-value>\n\t(resource scope)\n" +
  "cancel\nclear <property-name>\ncommit\ncreate [-F] [ -a <path> | -b | -t <template> ]\ndelete [-F]\nend\nexit [-F]\n" +
  "export [-f output-file]\nhelp [commands] [syntax] [usage] [<command-name>]\ninfo [<resource-type> [property-name=property-value]*]\n" +
  "remove [-F] <resource-type> [ <property-name>=<property-value> ]*\n\t(global scope)\nremove <property-name> <property-value>\n\t(resource scope)\n" +
  "revert [-F]\nselect <resource-type> { <property-name>=<property-value> }\nset <property-name>=<property-value>\nverify\n";

/** zonecfg's invocation usage (HELP_USAGE). */
export const ZONECFG_USAGE = "usage:\tzonecfg help\n\tzonecfg -z <zone>\t\t\t(interactive)\n\tzonecfg -z <zone> <command>\n\tzonecfg -z <zone> -f <command-file>\n";

/** zonecfg's zone-name syntax help after "Bogus zone name". */
export const ZONECFG_NAME_SYNTAX =
  "\n<zone> := [A-Za-z0-9][A-Za-z0-9_.-]*\n\t(except the reserved words 'global' and anything starting with 'SUNW')\n\tName must be less than 64 characters.\n";

/** usage(B_FALSE, HELP_RESOURCES) (security-flags is not printed: the format has one %s too few). */
export const ZONECFG_RESOURCES = "<resource type> := fs | net | device | rctl | attr |\n\tdataset | dedicated-cpu | capped-cpu | capped-memory | admin\n\n";

/** usage(B_FALSE, HELP_PROPS). */
export const ZONECFG_PROPS =
  "For resource type ... there are property types ...:\n" +
  ["zonename", "zonepath", "brand", "autoboot", "bootargs", "pool", "limitpriv", "scheduling-class", "ip-type", "hostid", "fs-allowed", "max-lwps", "max-processes", "max-shm-memory", "max-shm-ids", "max-msg-ids", "max-sem-ids", "cpu-shares", "zfs-io-priority"]
    .map((p) => `\t(global)\t${p}\n`)
    .join("") +
  "\tfs\t\tdir, special, raw, type, options\n" +
  "\tnet\t\taddress, allowed-address, global-nic, mac-addr, physical, property, vlan-id defrouter\n" +
  "\tdevice\t\tmatch, property\n\trctl\t\tname, value\n\tattr\t\tname, type, value\n\tdataset\t\tname\n" +
  "\tdedicated-cpu\tncpus, importance\n\tcapped-cpu\tncpus\n\tcapped-memory\tphysical, swap, locked\n" +
  "\tadmin\t\tuser, auths\n\tsecurity-flags\t\tdefault, lower, upper\n";

/** usage(B_FALSE, HELP_NETADDR) after a bogus address. */
export const ZONECFG_NETADDR =
  "\n<net-addr> :=\t<IPv4-address>[/<IPv4-prefix-length>] |\n\t\t<IPv6-address>/<IPv6-prefix-length> |\n\t\t<hostname>[/<IPv4-prefix-length>]\n" +
  "See inet(3C) for IPv4 and IPv6 address syntax.\n<IPv4-prefix-length> := [0-32]\n<IPv6-prefix-length> := [0-128]\n<hostname> := [A-Za-z0-9][A-Za-z0-9-.]*\n";
