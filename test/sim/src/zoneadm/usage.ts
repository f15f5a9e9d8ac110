// zoneadm's usage texts (cmdtab short usages, long_help, usage(), sub_usage()).

/** Subcommands with their short usage, in cmdtab order (private ones have none). */
export const SUBCOMMANDS: readonly { name: string; short: string | null; long: string }[] = [
  { name: "help", short: "help", long: "Print usage message." },
  { name: "boot", short: "boot [-- boot_arguments]", long: "Activates (boots) specified zone.  See zoneadm(8) for valid boot\n\targuments." },
  { name: "halt", short: "halt", long: "Halts specified zone, bypassing shutdown scripts and removing runtime\n\tresources of the zone." },
  { name: "ready", short: "ready", long: "Prepares a zone for running applications but does not start any user\n\tprocesses in the zone." },
  { name: "shutdown", short: "shutdown [-r [-- boot_arguments]]", long: "Gracefully shutdown the zone or reboot if the '-r' option is specified.\n\tSee zoneadm(8) for valid boot arguments." },
  { name: "reboot", short: "reboot [-- boot_arguments]", long: "Restarts the zone (equivalent to a halt / boot sequence).\n\tFails if the zone is not active.  See zoneadm(8) for valid boot\n\targuments." },
  {
    name: "list",
    short: "list [-cipv]",
    long: "Lists the current zones, or a specific zone if indicated.  By default,\n\tall running zones are listed, though this can be expanded to all\n\tinstalled zones with the -i option or all configured zones with the\n\t-c option.  When used with the general -z <zone> and/or -u <uuid-match>\n\toptions, lists only the specified matching zone, but lists it\n\tregardless of its state, and the -i and -c options are disallowed.  The\n\t-v option can be used to display verbose information: zone name, id,\n\tcurrent state, root directory and options.  The -p option can be used\n\tto request machine-parsable output.  The -v and -p options are mutually\n\texclusive.  If neither -v nor -p is used, just the zone name is listed.",
  },
  { name: "verify", short: "verify", long: "Check to make sure the configuration can safely be instantiated\n\ton the machine: physical network interfaces exist, etc." },
  { name: "install", short: "install [brand-specific args]", long: "Install the configuration on to the system.  All arguments are passed\n\tto the brand installation function; see brands(7) for more\n\tinformation." },
  { name: "uninstall", short: "uninstall [-F] [brand-specific args]", long: "Uninstall the configuration from the system.  The -F flag can be used\n\tto force the action.  All other arguments are passed to the brand\n\tuninstall function; see brands(7) for more information." },
  { name: "mount", short: null, long: "" },
  { name: "unmount", short: null, long: "" },
  {
    name: "clone",
    short: "clone [-m method] [-s <ZFS snapshot>] [brand-specific args] zonename",
    long: "Clone the installation of another zone.  The -m option can be used to\n\tspecify 'copy' which forces a copy of the source zone.  The -s option\n\tcan be used to specify the name of a ZFS snapshot that was taken from\n\ta previous clone command.  The snapshot will be used as the source\n\tinstead of creating a new ZFS snapshot.  All other arguments are passed\n\tto the brand clone function; see brands(7) for more information.",
  },
  { name: "move", short: "move zonepath", long: "Move the zone to a new zonepath." },
  {
    name: "detach",
    short: "detach [-n] [brand-specific args]",
    long: "Detach the zone from the system. The zone state is changed to\n\t'configured' (but the files under the zonepath are untouched).\n\tThe zone can subsequently be attached, or can be moved to another\n\tsystem and attached there.  The -n option can be used to specify\n\t'no-execute' mode.  When -n is used, the information needed to attach\n\tthe zone is sent to standard output but the zone is not actually\n\tdetached.  All other arguments are passed to the brand detach function;\n\tsee brands(7) for more information.",
  },
  {
    name: "attach",
    short: "attach [-F] [-n <path>] [brand-specific args]",
    long: "Attach the zone to the system.  The zone state must be 'configured'\n\tprior to attach; upon successful completion, the zone state will be\n\t'installed'.  The system software on the current system must be\n\tcompatible with the software on the zone's original system.\n\tSpecify -F to force the attach and skip software compatibility tests.\n\tThe -n option can be used to specify 'no-execute' mode.  When -n is\n\tused, the information needed to attach the zone is read from the\n\tspecified path and the configuration is only validated.  The path can\n\tbe '-' to specify standard input.  The -F and -n options are mutually\n\texclusive.  All other arguments are passed to the brand attach\n\tfunction; see brands(7) for more information.",
  },
  { name: "mark", short: "mark incomplete", long: "Set the state of the zone.  This can be used to force the zone\n\tstate to 'incomplete' administratively if some activity has rendered\n\tthe zone permanently unusable.  The only valid state that may be\n\tspecified is 'incomplete'." },
];

/** usage(): stdout when explicit (help), stderr otherwise (with a trailing blank line). */
export function usageText(explicit: boolean): string {
  let s = "usage:\tzoneadm help\n\tzoneadm [-z <zone>] [-u <uuid-match>] list\n\tzoneadm {-z <zone>|-u <uuid-match>} <subcommand>\n\nSubcommands:\n\n";
  for (const c of SUBCOMMANDS) {
    if (c.short === null) continue;
    s += c.short + "\n";
    if (explicit) s += `\t${c.long}\n\n`;
  }
  if (!explicit) s += "\n";
  return s;
}

/** sub_usage(): `usage:\t<short>\n\t<long help>` (stderr). */
export function subUsage(name: string): string {
  const c = SUBCOMMANDS.find((x) => x.name === name)!;
  return `usage:\t${c.short ?? name}\n\t${c.long}\n`;
}
