// One zonecfg run: the command handlers of zonecfg.c (create, set, add, end, info, commit...)
// over a zone configuration handle, with zonecfg's scopes, error flags and messages.

import { isIPv4, isIPv6 } from "node:net";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { getopt } from "../core/getopt.ts";
import { Exit, type Io } from "../core/io.ts";
import type { HostState } from "../zones/host-state.ts";
import {
  blankConfig,
  cloneConfig,
  emptyNet,
  KNOWN_BRANDS,
  templateConfig,
  type AdminRes,
  type AttrRes,
  type DatasetRes,
  type DevRes,
  type FsRes,
  type NetRes,
  type PsetRes,
  type RctlRes,
  type RctlVal,
  type SecflagsRes,
  type ZoneConfig,
} from "../zones/config.ts";
import { rank, type ZoneState } from "../zones/states.ts";
import { getAliased, removeAliased, setAliased } from "../zones/rctl.ts";
import { bytesToUnits, parseUint, strToBytes } from "../zones/units.ts";
import { validLinkName, validZoneName } from "../zones/names.ts";
import { ZERR, type ZErr } from "./errors.ts";
import type { Cmd, Pair, PropValue } from "./grammar.ts";
import { CMD_FLAGS, COMMANDS, HELP_META, HELP_NETADDR, HELP_PROPS, HELP_RES_PROPS, HELP_RES_SCOPE, HELP_RESOURCES, HELP_SUBCMDS, HELP_SYNTAX, HELP_USAGE, LONG, SHORT, usageText, type CommandName } from "./help.ts";
import * as R from "./render.ts";

/** How zonecfg was invoked. */
export interface SessionMode {
  /** `-f` was given (a file or `-`): errors carry line numbers. */
  cmdFileMode: boolean;
  /** The -f argument. */
  cmdFileName: string;
  /** Interactive mode (no -f and no command; `-f -` is file mode, SPEC §1.1). */
  interactiveMode: boolean;
  /** Commit pending changes at exit even after an error (the source's behaviour). */
  commitOnError: boolean;
}

interface Handle {
  cfg: ZoneConfig;
  /** Created from a template or detached zone and not yet saved. */
  isNew: boolean;
  /** For a rename: the saved zone to remove on commit. */
  deleteName: string;
}

function atoi(s: string): number {
  const m = /^\s*[+-]?\d+/.exec(s);
  return m ? Number.parseInt(m[0], 10) : 0;
}

const PRIVILEGES = new Set(
  (
    "contract_event contract_identity contract_observer cpc_cpu dtrace_kernel dtrace_proc dtrace_user file_chown " +
    "file_chown_self file_dac_execute file_dac_read file_dac_search file_dac_write file_downgrade_sl file_flag_set " +
    "file_link_any file_owner file_read file_setid file_upgrade_sl file_write graphics_access graphics_map ipc_dac_read " +
    "ipc_dac_write ipc_owner net_access net_bindmlp net_icmpaccess net_mac_aware net_mac_implicit net_observability " +
    "net_privaddr net_rawaccess proc_audit proc_chroot proc_clock_highres proc_exec proc_fork proc_info proc_lock_memory " +
    "proc_owner proc_priocntl proc_secflags proc_session proc_setid proc_taskid proc_zone sys_acct sys_admin sys_audit " +
    "sys_config sys_devices sys_dl_config sys_fs_import sys_ip_config sys_iptun_config sys_linkdir sys_mount " +
    "sys_net_config sys_nfs sys_ppp_config sys_res_bind sys_res_config sys_resource sys_share sys_smb sys_suser_compat " +
    "sys_time sys_trans_label virt_manage win_colormap win_config win_dac_read win_dac_write win_devices win_dga " +
    "win_downgrade_sl win_fontpath win_mac_read win_mac_write win_selection win_upgrade_sl default basic all none"
  ).split(" "),
);

const SECFLAGS = ["aslr", "forbidnullmap", "noexecstack"];
const AUTHS = new Set(["login", "manage", "clonefrom"]);

/** Parses a security-flags value; undefined when invalid. `assign` false for +/- deltas. */
function parseSecflags(s: string): { set: Set<string>; assign: boolean } | undefined {
  const set = new Set<string>();
  let assign = true;
  for (const raw of s.split(",")) {
    let t = raw.toLowerCase();
    if (t.startsWith("-") || t.startsWith("!") || t.startsWith("+")) {
      assign = false;
      t = t.slice(1);
    }
    if (t === "all") SECFLAGS.forEach((f) => set.add(f));
    else if (t === "none") set.clear();
    else if (SECFLAGS.includes(t)) set.add(t);
    else return undefined;
  }
  return { set, assign };
}

/** Valid ZFS dataset name for a delegated dataset (zfs_name_valid, filesystem). */
export function zfsNameValid(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_.:-]+)*$/.test(name) && !name.includes("@") && name.length < 256;
}

/** The state of a zonecfg run over one zone. */
export class Session {
  readonly io: Io;
  readonly host: HostState;
  readonly mode: SessionMode;
  zone: string;
  revertZone: string;
  readonly globalZone: boolean;
  handle: Handle | null = null;
  gotHandle = false;
  needToCommit = false;
  sawError = false;
  globalScope = true;
  resourceScope = "";
  endOp: "add" | "select" | null = null;
  timeToExit = false;
  forceExit = false;
  /** lex_lineno at the point the current command runs. */
  lexLineno = 1;
  private lastLineno = 0;
  private fs: FsRes = this.newFs();
  private net: NetRes = emptyNet();
  private dev: DevRes = { match: "", props: [] };
  private rctl: RctlRes = { name: "", values: [] };
  private attr: AttrRes = { name: "", type: "", value: "" };
  private ds: DatasetRes = { name: "" };
  private pset: PsetRes = { ncpuMin: "", ncpuMax: "", importance: "" };
  private admin: AdminRes = { user: "", auths: "" };
  private secflags: SecflagsRes = { default: "", lower: "", upper: "" };
  private old: { fs?: FsRes; net?: NetRes; dev?: DevRes; rctl?: RctlRes; attr?: AttrRes; ds?: DatasetRes; admin?: AdminRes; secflags?: SecflagsRes } = {};

  constructor(io: Io, host: HostState, zone: string, mode: SessionMode) {
    this.io = io;
    this.host = host;
    this.zone = zone;
    this.revertZone = zone;
    this.globalZone = zone === "global";
    this.mode = mode;
  }

  private newFs(): FsRes {
    return { dir: "", special: "", raw: "", type: "", options: [] };
  }

  // ---- messages -------------------------------------------------------------------------

  /** zerr(): an error line, preceded once per input line by `On line N of FILE:` in file mode. */
  zerr(msg: string): void {
    if (this.mode.cmdFileMode && this.lexLineno > this.lastLineno) {
      this.io.eprint(`On line ${this.lexLineno - 1} of ${this.mode.cmdFileName}:\n`); // FILE is `-` for stdin (SPEC §0)
      this.lastLineno = this.lexLineno;
    }
    this.io.eprint(msg + "\n");
  }

  /** zone_perror(): `<prefix>: <strerror>`. */
  perror(prefix: string, err: ZErr, setSaw: boolean): void {
    this.zerr(`${prefix}: ${ZERR[err]}`);
    if (setSaw) this.sawError = true;
  }

  private cmdRtPerror(cmd: string, rt: string, err: ZErr, setSaw = true): void {
    this.zerr(`${cmd} ${rt}: ${ZERR[err]}`);
    if (setSaw) this.sawError = true;
  }

  /** short_usage(): bad syntax for a command. */
  shortUsage(cmd: CommandName): void {
    if (this.mode.cmdFileMode) {
      this.io.eprint(`syntax error on line ${this.lexLineno - 1} of ${this.mode.cmdFileName}\n`);
    }
    this.io.eprint(`usage:\n${SHORT[cmd]}\n`);
    this.sawError = true;
  }

  /** long_usage(): stderr (and an error) or stdout. */
  longUsage(cmd: CommandName, setSaw: boolean): void {
    const text = `usage:\n${SHORT[cmd]}\n\t${LONG[cmd]}\n`;
    if (setSaw) {
      this.io.eprint(text);
      this.sawError = true;
    } else this.io.print(text);
  }

  /** longer_usage(): `help <cmd>` and `<cmd> -?`. */
  longerUsage(cmd: CommandName): void {
    this.longUsage(cmd, false);
    const flags = CMD_FLAGS[cmd];
    if (flags) {
      this.io.print("\n");
      this.usage(true, flags);
    }
  }

  /** usage(): stdout when asked for, stderr otherwise. */
  usage(verbose: boolean, flags: number): void {
    const text = usageText(verbose, flags, this.resourceScope);
    if (verbose) this.io.print(text);
    else this.io.eprint(text);
  }

  private scopeUsage(cmd: string): void {
    this.zerr(`The ${cmd} command only makes sense in the ${this.globalScope ? "resource" : "global"} scope.`);
    this.sawError = true;
  }

  /** ask_yesno() without a terminal: cannot ask. */
  private askYesNo(): -1 {
    this.sawError = true;
    return -1;
  }

  /** yyerror(): a syntax error at a token. */
  syntaxError(raw: string): void {
    this.sawError = true;
    const shown = raw === "\n" ? "\\n" : raw;
    this.io.eprint(this.mode.cmdFileMode ? `syntax error on line ${this.lexLineno} at '${shown}'\n` : `syntax error at '${shown}'\n`);
    this.usage(false, HELP_SUBCMDS);
  }

  /** The usage errors built into the grammar. */
  grammarUsage(kind: "add" | "remove" | "info" | "select" | "select-rt" | "set" | "clear"): void {
    switch (kind) {
      case "select-rt":
        this.shortUsage("select");
        return;
      case "set":
      case "clear":
        this.shortUsage(kind);
        this.io.eprint("\n");
        this.usage(false, HELP_PROPS);
        return;
      default:
        this.shortUsage(kind);
        this.io.eprint("\n");
        this.usage(false, HELP_RES_PROPS);
    }
  }

  // ---- handle and state -------------------------------------------------------------------

  private getHandle(name: string): ZoneConfig | undefined {
    const t = templateConfig(name);
    if (t) return t;
    return this.host.config(name);
  }

  /** initialize(): loads the zone's configuration on first use. */
  initialize(handleExpected: boolean): boolean {
    if (this.handle) return true;
    const cfg = this.getHandle(this.zone);
    if (cfg) {
      this.handle = { cfg, isNew: false, deleteName: "" };
      this.gotHandle = true;
      return true;
    }
    if (this.globalZone && !this.gotHandle) {
      const g = blankConfig("global", "lipkg", "exclusive");
      g.ipType = "shared";
      this.handle = { cfg: g, isNew: true, deleteName: "" };
      this.needToCommit = true;
      this.gotHandle = true;
      return true;
    }
    this.perror(this.zone, "NO_ZONE", handleExpected || this.gotHandle);
    if (!this.gotHandle && this.mode.interactiveMode) this.io.print("Use 'create' to begin configuring a new zone.\n");
    return false;
  }

  private get cfg(): ZoneConfig {
    return this.handle!.cfg;
  }

  private state(): ZoneState | undefined {
    return this.host.state(this.zone);
  }

  private stateAtLeast(s: ZoneState): boolean {
    const st = this.state();
    return st !== undefined && rank(st) >= rank(s);
  }

  private readOnly(): boolean {
    if (this.zone.startsWith("SUNW")) {
      this.zerr(`${this.zone}: zones beginning with SUNW are read-only.`);
      this.sawError = true;
      return true;
    }
    return false;
  }

  private gzInvalidResource(rt: string | undefined): boolean {
    return this.globalZone && ["fs", "net", "device", "attr", "dataset"].includes(rt ?? "");
  }

  private gzInvalidProperty(p: string | undefined): boolean {
    return this.globalZone && ["zonename", "zonepath", "autoboot", "limitpriv", "bootargs", "brand", "scheduling-class", "ip-type", "hostid", "fs-allowed"].includes(p ?? "");
  }

  // ---- dispatch ---------------------------------------------------------------------------

  /** Runs one parsed command. */
  run(cmd: Cmd): void {
    switch (cmd.name) {
      case "add":
        return this.add(cmd);
      case "cancel":
        return this.cancel(cmd);
      case "clear":
        return this.clear(cmd);
      case "commit":
        return this.commit(cmd);
      case "create":
        return this.create(cmd);
      case "delete":
        return this.delete(cmd);
      case "end":
        return this.end(cmd);
      case "exit":
        return this.exit(cmd);
      case "export":
        return this.export(cmd);
      case "help":
        return this.help(cmd);
      case "info":
        return this.info(cmd);
      case "remove":
        return this.remove(cmd);
      case "revert":
        return this.revert(cmd);
      case "select":
        return this.select(cmd);
      case "set":
        return this.set(cmd);
      case "verify":
        return this.verify(cmd.argv, false);
    }
  }

  /** Runs a getopt loop the way the C handlers do; returns optind, or -1 after a usage error. */
  private options(cmd: CommandName, argv: string[], spec: string, on: (c: string, arg?: string) => void, questionIsLonger = true): number {
    const { opts, optind } = getopt(argv, spec);
    let argErr = false;
    for (const o of opts) {
      if (o.error || o.c === "?") {
        if (o.c === "?" && questionIsLonger) this.longerUsage(cmd);
        else this.shortUsage(cmd);
        argErr = true;
      } else on(o.c, o.arg);
    }
    return argErr ? -1 : optind;
  }

  // ---- create -----------------------------------------------------------------------------

  private create(cmd: Cmd): void {
    let template = "SUNWdefault";
    let force = false;
    let attachPath: string | undefined;
    const optind = this.options("create", cmd.argv, "?a:bFt:", (c, arg) => {
      if (c === "a") attachPath = arg;
      else if (c === "b") template = "SUNWblank";
      else if (c === "F") force = true;
      else if (c === "t") template = /^[A-Z]/.test(arg!) ? arg! : `OMNI${arg}`;
    });
    if (optind < 0) return;
    if (optind !== cmd.argv.length) return this.shortUsage("create");
    if (this.readOnly()) return;
    if (!this.checkIfZoneAlreadyExists(force)) return;
    let cfg: ZoneConfig | undefined;
    if (attachPath !== undefined) {
      const detached = `${attachPath}/SUNWdetached.xml`;
      if (!existsSync(`${attachPath}/root`) || !statSync(`${attachPath}/root`).isDirectory() || !existsSync(detached)) {
        this.io.eprint("invalid path to detached zone\n");
        return;
      }
      try {
        cfg = JSON.parse(readFileSync(detached, "utf8")) as ZoneConfig;
      } catch {
        this.io.eprint("Cannot attach to an earlier release of the operating system\n");
        return;
      }
      cfg.zonepath = attachPath;
    } else {
      cfg = this.getHandle(template);
      if (!cfg) return this.perror(template, "NO_ZONE", true);
    }
    cfg = cloneConfig(cfg);
    if (force && attachPath === undefined) {
      // SPEC 9: `create -F` over a configured zone succeeds on its own (rc 0), so the
      // overwritten zone's zonepath is kept (zonecfg.c would leave it empty; see README).
      const existing = this.host.config(this.zone);
      if (existing) cfg.zonepath = existing.zonepath;
    }
    cfg.name = this.zone;
    cfg.debugid = null;
    this.needToCommit = true;
    this.handle = { cfg, isNew: true, deleteName: "" };
    this.gotHandle = true;
  }

  private checkIfZoneAlreadyExists(force: boolean): boolean {
    if (!this.getHandle(this.zone)) return true;
    if (this.stateAtLeast("installed")) {
      this.zerr(`Zone ${this.zone} already installed; create not allowed.`);
      return false;
    }
    if (force) {
      this.io.print(`Zone ${this.zone} already exists; overwriting.\n`);
      return true;
    }
    this.askYesNo();
    this.zerr("Zone exists, input not from terminal and -F not specified:\ncreate command ignored, exiting.");
    throw new Exit(1);
  }

  // ---- set --------------------------------------------------------------------------------

  private simpleValue(v: PropValue | undefined): string | undefined {
    return v && v.kind === "simple" ? v.value : undefined;
  }

  private set(cmd: Cmd): void {
    if (this.readOnly()) return;
    let forceSet = false;
    const { opts } = getopt(cmd.argv, "F");
    for (const o of opts) {
      if (!o.error && o.c === "F") forceSet = true;
      else {
        if (o.c === "?") this.longerUsage("set");
        else this.shortUsage("set");
        return;
      }
    }
    const prop = cmd.propName!;
    let rt: string;
    if (this.globalScope) {
      if (this.gzInvalidProperty(prop)) {
        this.zerr(`${prop} is not a valid property for the global zone.`);
        this.sawError = true;
        return;
      }
      const globals = ["zonename", "zonepath", "autoboot", "brand", "pool", "limitpriv", "bootargs", "scheduling-class", "ip-type", "max-lwps", "max-processes", "max-shm-memory", "max-shm-ids", "max-msg-ids", "max-sem-ids", "cpu-shares", "hostid", "fs-allowed", "zfs-io-priority"];
      if (!globals.includes(prop)) {
        this.zerr("Cannot set a resource-specific property from the global scope.");
        this.sawError = true;
        return;
      }
      rt = prop;
    } else rt = this.resourceScope;
    if (forceSet) {
      if (rt !== "zonepath") {
        this.zerr("Only zonepath setting can be forced.");
        this.sawError = true;
        return;
      }
      this.zerr("Zonepath is changeable only in an alternate root.");
      this.sawError = true;
      return;
    }
    const pv = cmd.value!;
    const complexOk = (rt === "fs" && prop === "options") || (rt === "rctl" && prop === "value") || (rt === "net" && prop === "property");
    const id = this.simpleValue(pv);
    if (!complexOk && id === undefined) {
      this.zerr("A simple value was expected here.");
      this.sawError = true;
      return;
    }
    if (rt === "zonename" && !this.gotHandle && !this.stateAtLeast("configured")) {
      if (!validZoneName(id!)) {
        this.perror(id!, "BOGUS_ZONE_NAME", true);
        this.usage(false, HELP_SYNTAX);
        return;
      }
      this.zone = id!;
      return;
    }
    if (!this.initialize(true)) return;
    const cfg = this.cfg;
    switch (rt) {
      case "zonename":
        return this.setName(id!);
      case "zonepath":
        if (this.stateAtLeast("installed")) return this.zerr(`Zone ${this.zone} already installed; set zonepath not allowed.`);
        if (!id!.startsWith("/")) {
          this.zerr(`${id} is not an absolute path.`);
          this.sawError = true;
          return;
        }
        if (/^\/+$/.test(id!)) {
          this.zerr("/ is not allowed as a zonepath.");
          this.sawError = true;
          return;
        }
        cfg.zonepath = id!.replace(/\/+/g, "/").replace(/\/$/, "");
        this.needToCommit = true;
        return;
      case "brand":
        if (this.stateAtLeast("installed")) return this.zerr(`Zone ${this.zone} already installed; set brand not allowed.`);
        cfg.brand = id!;
        this.needToCommit = true;
        return;
      case "autoboot":
        if (id !== "true" && id !== "false") {
          this.zerr("autoboot value must be 'true' or 'false'.");
          this.sawError = true;
          return;
        }
        cfg.autoboot = id === "true";
        this.needToCommit = true;
        return;
      case "pool":
        if (id!.startsWith("SUNW")) {
          this.zerr("pool names starting with SUNW are reserved.");
          this.sawError = true;
          return;
        }
        if (cfg.pset) {
          this.zerr("The dedicated-cpu resource already exists.  A persistent pool is incompatible\nwith the dedicated-cpu resource.");
          this.sawError = true;
          return;
        }
        cfg.pool = id!;
        this.needToCommit = true;
        return;
      case "limitpriv":
        cfg.limitpriv = id!;
        this.needToCommit = true;
        return;
      case "bootargs":
        cfg.bootargs = id!;
        this.needToCommit = true;
        return;
      case "scheduling-class":
        cfg.schedulingClass = id!;
        this.needToCommit = true;
        return;
      case "ip-type":
        if (id !== "shared" && id !== "exclusive") {
          this.zerr("ip-type value must be 'shared' or 'exclusive'.");
          this.sawError = true;
          return;
        }
        if (id === "exclusive" && !KNOWN_BRANDS.includes(R.brandOf(cfg))) {
          this.zerr(`${this.zone}: unknown brand.\n`);
          this.sawError = true;
          return;
        }
        cfg.ipType = id;
        this.needToCommit = true;
        return;
      case "max-lwps":
      case "max-processes":
      case "max-shm-memory":
      case "max-shm-ids":
      case "max-msg-ids":
      case "max-sem-ids":
      case "cpu-shares":
      case "zfs-io-priority":
        return this.setAliasedRctl(rt, id!);
      case "hostid": {
        const v = R.hostidValid(id!);
        if (v === "toobig") {
          this.zerr(`hostid string is too large: ${id}`);
          this.sawError = true;
        } else if (v === "invalid") this.perror("hostid", "INVALID_PROPERTY", true);
        else {
          cfg.hostid = id!;
          this.needToCommit = true;
        }
        return;
      }
      case "fs-allowed":
        if (!R.fsAllowedValid(id!)) return this.perror(this.zone, "INVALID_PROPERTY", true);
        cfg.fsAllowed = id!;
        this.needToCommit = true;
        return;
      default:
        return this.setResourceProp(rt, prop, pv, id, cmd);
    }
  }

  private setName(name: string): void {
    const cfg = this.cfg;
    if (name === cfg.name) return;
    let err: ZErr | undefined;
    if (name.startsWith("SUNW") || !validZoneName(name)) err = "BOGUS_ZONE_NAME";
    else if (name === this.handle!.deleteName) {
      cfg.name = name;
      this.handle!.deleteName = "";
      this.needToCommit = true;
      this.zone = name;
      return;
    } else if (this.host.entry(name) !== undefined) err = "NAME_IN_USE";
    else if (!this.handle!.isNew) {
      const st = this.host.state(this.handle!.deleteName || cfg.name);
      if (st !== undefined && rank(st) > rank("installed")) err = "BAD_ZONE_STATE";
      else if (!this.handle!.deleteName) this.handle!.deleteName = cfg.name;
    }
    if (err) {
      this.perror(name, err, true);
      this.usage(false, HELP_SYNTAX);
      return;
    }
    cfg.name = name;
    this.needToCommit = true;
    this.zone = name;
  }

  private setAliasedRctl(aliasName: string, value: string): void {
    const cfg = this.cfg;
    if (this.globalZone && aliasName !== "cpu-shares") {
      this.zerr("WARNING: Setting a global zone resource control too low could deny\nservice to even the root user; this could render the system impossible\nto administer.  Please use caution.");
    }
    let s = value;
    if (aliasName === "max-shm-memory") {
      const b = strToBytes(value);
      if (b === undefined) {
        this.zerr("A non-negative number with a required scale suffix (K, M, G or T) was expected\nhere.");
        this.sawError = true;
        return;
      }
      s = b.toString();
    }
    const a = getAliased(cfg, aliasName);
    const limit = parseUint(s);
    const low = { "max-lwps": 100n, "max-processes": 100n, "zfs-io-priority": 1n }[aliasName as "max-lwps"] ?? 0n;
    if (a === "disallow") {
      this.perror(aliasName, "ALIAS_DISALLOW", false);
      this.sawError = true;
    } else if (limit === undefined || limit < low) {
      this.zerr(`${aliasName} property is out of range.`);
      this.sawError = true;
    } else {
      setAliased(cfg, aliasName, limit);
      this.needToCommit = true;
    }
  }

  private noSuchProperty(cmd: CommandName, prop: string): void {
    this.perror(prop, "NO_PROPERTY_TYPE", true);
    this.longUsage(cmd, true);
    this.usage(false, HELP_PROPS);
  }

  private setResourceProp(rt: string, prop: string, pv: PropValue, id: string | undefined, cmd: Cmd): void {
    const cfg = this.cfg;
    switch (rt) {
      case "fs":
        switch (prop) {
          case "dir":
            this.fs.dir = id!;
            return;
          case "special":
            this.fs.special = id!;
            return;
          case "raw":
            this.fs.raw = id!;
            return;
          case "type":
            if (id!.length + 1 > 256 || id!.includes("/") || id === "" || id === "." || id === ".." || ["proc", "mntfs", "autofs"].includes(id!) || id!.startsWith("nfs")) {
              this.zerr(`"${id}" is not a valid type.`);
              this.sawError = true;
              return;
            }
            this.fs.type = id!;
            return;
          case "options":
            if (pv.kind === "complex") {
              this.zerr("A simple or list value was expected here.");
              this.sawError = true;
              return;
            }
            this.fs.options = [];
            if (!(pv.kind === "list" && pv.items.length === 0)) this.addProperty({ ...cmd, value: pv });
            return;
        }
        return this.noSuchProperty("set", prop);
      case "net":
        switch (prop) {
          case "address":
          case "allowed-address":
            if (!this.validateNetAddress(id!, false)) {
              this.sawError = true;
              return;
            }
            if (prop === "address") this.net.address = id!;
            else this.net.allowedAddress = id!;
            return;
          case "physical":
            if (!this.validatePhysical(id!)) {
              this.sawError = true;
              return;
            }
            this.net.physical = id!;
            return;
          case "mac-addr":
            this.net.mac = id!;
            return;
          case "vlan-id":
            this.net.vlanId = id!;
            return;
          case "global-nic":
            this.net.gnic = id!;
            return;
          case "defrouter":
            if (!this.validateNetAddress(id!, true)) {
              this.sawError = true;
              return;
            }
            this.net.defrouter = id!;
            return;
          case "property":
            if (pv.kind !== "complex") {
              this.zerr("A complex value was expected here.");
              this.sawError = true;
              return;
            }
            this.net.props = [];
            this.addProperty({ ...cmd, value: pv });
            return;
        }
        return this.noSuchProperty("set", prop);
      case "device":
        if (prop === "match") {
          this.dev.match = id!;
          return;
        }
        if (prop === "property") {
          if (pv.kind !== "complex") {
            this.zerr("A complex value was expected here.");
            this.sawError = true;
            return;
          }
          this.dev.props = [];
          this.addProperty({ ...cmd, value: pv });
          return;
        }
        return this.noSuchProperty("set", prop);
      case "rctl":
        if (prop === "name") {
          if (!/^zone\.[A-Za-z-]+$/.test(id!)) return this.zerr(`'${id}' is not a valid zone rctl name.`);
          this.rctl.name = id!;
          return;
        }
        if (prop === "value") {
          if (pv.kind !== "complex" && pv.kind !== "list") {
            this.zerr("A complex or list value was expected here.");
            this.sawError = true;
            return;
          }
          this.rctl.values = [];
          if (!(pv.kind === "list" && pv.items.length === 0)) this.addProperty({ ...cmd, value: pv });
          return;
        }
        return this.noSuchProperty("set", prop);
      case "attr":
        if (prop === "name") this.attr.name = id!;
        else if (prop === "type") this.attr.type = id!;
        else if (prop === "value") this.attr.value = id!;
        else return this.noSuchProperty("set", prop);
        return;
      case "dataset":
        if (prop === "name") {
          this.ds.name = id!;
          return;
        }
        return this.noSuchProperty("set", prop);
      case "dedicated-cpu":
        if (prop === "ncpus") {
          const dash = id!.indexOf("-");
          const lo = dash < 0 ? id! : id!.slice(0, dash);
          const hi = dash < 0 ? id! : id!.slice(dash + 1);
          const l = parseUint(lo);
          const h = parseUint(hi);
          if (l === undefined || h === undefined || l < 1n || l > h) {
            this.zerr("ncpus property is out of range.");
            this.sawError = true;
            return;
          }
          this.pset.ncpuMin = lo;
          this.pset.ncpuMax = hi;
          return;
        }
        if (prop === "importance") {
          if (parseUint(id!) === undefined) {
            this.zerr("importance property is out of range.");
            this.sawError = true;
            return;
          }
          this.pset.importance = id!;
          return;
        }
        return this.noSuchProperty("set", prop);
      case "capped-cpu": {
        if (prop !== "ncpus") return this.noSuchProperty("set", prop);
        const m = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.exec(id!);
        const cap = m ? Number(id) : NaN;
        if (!(cap > 0) || cap * 100 < 1) {
          this.zerr("ncpus property is out of range.");
          this.sawError = true;
          return;
        }
        setAliased(cfg, "cpu-cap", BigInt(Math.trunc(cap * 100 + 0.5)));
        this.needToCommit = true;
        return;
      }
      case "capped-memory":
        return this.setMcap(prop, id!);
      case "admin":
        if (prop === "user") this.admin.user = id!;
        else if (prop === "auths") this.admin.auths = id!;
        else return this.noSuchProperty("set", prop);
        return;
      case "security-flags":
        if (prop === "default") this.secflags.default = id!;
        else if (prop === "upper") this.secflags.upper = id!;
        else if (prop === "lower") this.secflags.lower = id!;
        else return this.noSuchProperty("set", prop);
        return;
    }
    this.perror(rt, "NO_RESOURCE_TYPE", true);
    this.longUsage("set", true);
    this.usage(false, HELP_RESOURCES);
  }

  private setMcap(prop: string, id: string): void {
    const cfg = this.cfg;
    if (prop !== "physical" && prop !== "swap" && prop !== "locked") return this.noSuchProperty("set", prop);
    if (getAliased(cfg, prop) === "disallow") {
      this.perror(prop === "swap" ? "swap" : "locked", "ALIAS_DISALLOW", false);
      this.sawError = true;
      return;
    }
    const bytes = strToBytes(id);
    if (bytes === undefined) {
      this.zerr(prop === "swap" ? "A positive number with a required scale suffix (K, M, G or T) was expected here." : "A non-negative number with a required scale suffix (K, M, G or T) was expected\nhere.");
      this.sawError = true;
      return;
    }
    if (prop === "swap") {
      const min = BigInt(1048576 * (this.globalZone ? 100 : 50));
      if (bytes < min) {
        this.zerr(`swap value is too small.  It must be at least ${bytesToUnits(min)}.`);
        this.sawError = true;
        return;
      }
    }
    setAliased(cfg, prop, bytes);
    this.needToCommit = true;
  }

  /** validate_net_address_syntax() */
  private validateNetAddress(address: string, isHost: boolean): boolean {
    const slash = address.indexOf("/");
    const part1 = slash < 0 ? address : address.slice(0, slash);
    let prefix = slash < 0 ? 0 : atoi(address.slice(slash + 1));
    if (isHost && slash >= 0) this.zerr(`Warning: prefix length in ${address} is not required and will be ignored. The default host-prefix length will be used`);
    if (isIPv6(part1)) {
      if (isHost) prefix = 128;
      else if (slash < 0) {
        this.zerr(`${address}: IPv6 addresses require /prefix-length suffix.`);
        return false;
      }
      if (prefix < 0 || prefix > 128) {
        this.zerr(`${address}: IPv6 address prefix lengths must be 0 - 128.`);
        return false;
      }
      return true;
    }
    if (!isHost && slash >= 0 && (prefix < 0 || prefix > 32)) {
      this.zerr(`${address}: IPv4 address prefix lengths must be 0 - 32.`);
      return false;
    }
    if (isIPv4(part1)) return true;
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(part1)) {
      this.zerr(`${part1}: bogus host name or network address syntax`);
      this.sawError = true;
      this.usage(false, HELP_NETADDR);
      return false;
    }
    return true;
  }

  /** validate_net_physical_syntax() */
  private validatePhysical(name: string): boolean {
    if (this.cfg.ipType === "shared") {
      const m = /^([A-Za-z][A-Za-z0-9_.]*[0-9])(:\d+)?$/.exec(name);
      if (!m) {
        this.zerr(`${name}: invalid physical interface name`);
        return false;
      }
      if (m[2] !== undefined) {
        this.zerr(`${name}: LUNs not allowed in physical interface names`);
        return false;
      }
      return true;
    }
    if (!validLinkName(name)) {
      this.zerr(name.includes(":") ? `${name}: physical interface name required; logical interface name not allowed` : `${name}: invalid physical interface name`);
      return false;
    }
    return true;
  }

  // ---- add --------------------------------------------------------------------------------

  private add(cmd: Cmd): void {
    const optind = this.options("add", cmd.argv, "?", () => undefined);
    if (optind < 0) return;
    if (optind !== cmd.argv.length) return this.shortUsage("add");
    if (this.readOnly()) return;
    if (!this.initialize(true)) return;
    if (this.globalScope) {
      if (this.gzInvalidResource(cmd.resType)) {
        this.zerr(`Cannot add a ${cmd.resType} resource to the global zone.`);
        this.sawError = true;
        return;
      }
      this.globalScope = false;
      this.resourceScope = cmd.resType ?? "";
      this.endOp = "add";
      this.addResource(cmd);
    } else this.addProperty(cmd);
  }

  private addResource(cmd: Cmd): void {
    const cfg = this.cfg;
    const type = cmd.resType;
    const bad = () => {
      this.globalScope = true;
      this.endOp = null;
    };
    switch (type) {
      case undefined:
        this.longUsage("add", true);
        return bad();
      case "fs":
        this.fs = this.newFs();
        return;
      case "net":
        this.net = emptyNet();
        return;
      case "device":
        this.dev = { match: "", props: [] };
        return;
      case "rctl":
        if (this.globalZone) this.zerr("WARNING: Setting a global zone resource control too low could deny\nservice to even the root user; this could render the system impossible\nto administer.  Please use caution.");
        this.rctl = { name: "", values: [] };
        return;
      case "attr":
        this.attr = { name: "", type: "", value: "" };
        return;
      case "dataset":
        this.ds = { name: "" };
        return;
      case "dedicated-cpu":
        if (cfg.pset) {
          this.zerr("The dedicated-cpu resource already exists.");
          return bad();
        }
        if (getAliased(cfg, "cpu-cap") !== "noentry") {
          this.zerr("The capped-cpu resource already exists.");
          return bad();
        }
        if (cfg.pool !== "") {
          this.zerr("The pool property is already set.  A persistent pool is incompatible with\nthe dedicated-cpu resource.");
          return bad();
        }
        this.pset = { ncpuMin: "", ncpuMax: "", importance: "" };
        return;
      case "capped-cpu": {
        if (cfg.pset) {
          this.zerr("The dedicated-cpu resource already exists.");
          return bad();
        }
        const cap = getAliased(cfg, "cpu-cap");
        if (cap === "disallow") {
          this.perror("capped-cpu", "ALIAS_DISALLOW", false);
          return bad();
        }
        if (typeof cap === "bigint") {
          this.zerr("The capped-cpu resource already exists.");
          return bad();
        }
        return;
      }
      case "capped-memory":
        if (["swap", "physical", "locked"].some((a) => typeof getAliased(cfg, a) === "bigint")) {
          this.zerr("The capped-memory resource or a related resource control already exists.");
          return bad();
        }
        if (this.globalZone) this.zerr("WARNING: Setting a global zone memory cap too low could deny\nservice to even the root user; this could render the system impossible\nto administer.  Please use caution.");
        return;
      case "admin":
        this.admin = { user: "", auths: "" };
        return;
      case "security-flags":
        if (cfg.secflags) this.zerr("The security-flags resource already exists.");
        this.secflags = { default: "", lower: "", upper: "" };
        return;
    }
    this.perror(type, "NO_RESOURCE_TYPE", true);
    this.longUsage("add", true);
    this.usage(false, HELP_RESOURCES);
    bad();
  }

  private complexPairs(pairs: Pair[], allowed: string[], owner: string): Record<string, string> | "bad" {
    const out: Record<string, string> = {};
    for (const p of pairs) {
      if (!allowed.includes(p.name)) {
        this.perror(owner, "NO_PROPERTY_TYPE", true);
        this.longUsage("add", true);
        this.usage(false, HELP_PROPS);
        return "bad";
      }
      if (out[p.name] !== undefined) {
        this.zerr(`${p.name} already specified`);
        return "bad";
      }
      out[p.name] = p.value;
    }
    return out;
  }

  private addProperty(cmd: Cmd): void {
    const rt = this.resourceScope;
    const prop = cmd.propName;
    if (rt === "" || prop === undefined) return this.longUsage("add", true);
    const pv = cmd.value!;
    switch (rt) {
      case "fs":
        if (prop !== "options") return this.noSuchPropertyAdd(prop);
        if (pv.kind === "complex") {
          this.zerr("A simple or list value was expected here.");
          this.sawError = true;
          return;
        }
        if (pv.kind === "simple") this.fs.options.push(pv.value);
        else for (const it of pv.items) {
          if (it.kind !== "simple") break;
          this.fs.options.push(it.value);
        }
        return;
      case "net":
      case "device": {
        if (prop !== "property") return this.noSuchPropertyAdd(prop);
        if (pv.kind !== "complex") {
          this.zerr("A complex value was expected here.");
          this.sawError = true;
          return;
        }
        const kv = this.complexPairs(pv.pairs, ["name", "value"], "property");
        if (kv === "bad") return;
        if (kv["name"] === undefined) this.zerr("name not specified");
        if (kv["value"] === undefined) this.zerr("value not specified");
        (rt === "net" ? this.net.props : this.dev.props).push({ name: kv["name"] ?? "", value: kv["value"] ?? "" });
        return;
      }
      case "rctl": {
        if (prop !== "value") return this.noSuchPropertyAdd(prop);
        if (pv.kind !== "complex" && pv.kind !== "list") {
          this.zerr("A complex or list value was expected here.");
          this.sawError = true;
          return;
        }
        const items = pv.kind === "complex" ? [pv.pairs] : pv.items.map((it) => (it.kind === "complex" ? it.pairs : []));
        for (const pairs of items) this.addRctlValue(pairs);
        return;
      }
    }
    this.perror(rt, "NO_RESOURCE_TYPE", true);
    this.longUsage("add", true);
    this.usage(false, HELP_RESOURCES);
  }

  private noSuchPropertyAdd(prop: string): void {
    this.perror(prop, "NO_PROPERTY_TYPE", true);
    this.longUsage("add", true);
    this.usage(false, HELP_PROPS);
  }

  /** `add value (priv=..,limit=..,action=..)`. A refused value is an error (SPEC §1.1: exit 1, no auto-commit). */
  private addRctlValue(pairs: Pair[]): void {
    const kv = this.complexPairs(pairs, ["priv", "limit", "action"], "value");
    if (kv === "bad") return;
    for (const k of ["priv", "limit", "action"]) if (kv[k] === undefined) this.zerr(`${k} not specified`);
    if (kv["priv"] === undefined || kv["limit"] === undefined || kv["action"] === undefined) {
      this.sawError = true;
      return;
    }
    const v: RctlVal = { priv: kv["priv"], limit: kv["limit"], action: kv["action"] };
    if (!this.validRctlValue(v)) {
      this.zerr("Invalid rctl value specification");
      this.sawError = true;
      return;
    }
    this.rctl.values.push(v);
  }

  /** SPEC §1.4: `(priv=privileged,limit=N,action=deny|none|signal)`. */
  private validRctlValue(v: RctlVal): boolean {
    if (v.priv !== "privileged") return false;
    if (v.limit.startsWith("-") || !/^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.test(v.limit.trim())) return false;
    return ["deny", "none", "signal"].includes(v.action);
  }

  // ---- end / cancel -----------------------------------------------------------------------

  private endCheck(value: string, prop: string): boolean {
    if (value === "") {
      this.zerr(`${prop} not specified`);
      return false;
    }
    return true;
  }

  private end(cmd: Cmd): void {
    const optind = this.options("end", cmd.argv, "?", () => undefined);
    if (optind < 0) return;
    if (optind !== cmd.argv.length) return this.shortUsage("end");
    if (this.globalScope) return this.scopeUsage("end");
    const cfg = this.cfg;
    const isAdd = this.endOp === "add";
    const fail = () => {
      this.sawError = true;
    };
    switch (this.resourceScope) {
      case "fs": {
        const f = this.fs;
        let ok = true;
        if (this.endCheck(f.dir, "dir")) {
          if (!f.dir.startsWith("/")) {
            this.zerr(`dir ${f.dir} is not an absolute path.`);
            ok = false;
          }
        } else ok = false;
        if (!this.endCheck(f.special, "special")) ok = false;
        if (f.raw !== "" && !f.raw.startsWith("/")) {
          this.zerr(`raw ${f.raw} is not an absolute path.`);
          ok = false;
        }
        if (!this.endCheck(f.type, "type")) ok = false;
        if (!ok) return fail();
        if (isAdd) {
          if (cfg.fs.some((x) => x.dir === f.dir)) {
            this.zerr(`A fs resource with the dir '${f.dir}' already exists.`);
            return fail();
          }
          cfg.fs.push(structuredClone(f));
        } else this.replace(cfg.fs, this.old.fs!, f);
        break;
      }
      case "net": {
        const n = this.net;
        if (!this.endCheck(n.physical, "physical")) return fail();
        if (isAdd) {
          if (this.lookupNet({ ...emptyNet(), physical: n.physical, address: n.address, allowedAddress: n.allowedAddress, defrouter: n.defrouter }).length === 1) {
            if (n.address !== "") this.zerr(`A net resource with the physical '${n.physical}', and address '${n.address}' already exists.`);
            else this.zerr(`A net resource with the physical '${n.physical}', and allowed-address '${n.allowedAddress}' already exists.`);
            return fail();
          }
          cfg.net.push(structuredClone(n));
        } else this.replace(cfg.net, this.old.net!, n);
        break;
      }
      case "device": {
        const d = this.dev;
        if (!this.endCheck(d.match, "match")) return fail();
        if (isAdd) {
          if (cfg.device.some((x) => x.match === d.match)) {
            this.zerr(`A device resource with the match '${d.match}' already exists.`);
            return fail();
          }
          cfg.device.push(structuredClone(d));
        } else this.replace(cfg.device, this.old.dev!, d);
        break;
      }
      case "rctl": {
        const r = this.rctl;
        let ok = this.endCheck(r.name, "name");
        if (r.values.length === 0) {
          this.zerr("no value specified");
          ok = false;
        }
        if (!ok) return fail();
        if (isAdd) {
          if (cfg.rctl.some((x) => x.name === r.name)) {
            this.zerr(`A rctl resource with the name '${r.name}' already exists.`);
            return fail();
          }
          cfg.rctl.push(structuredClone(r));
        } else this.replace(cfg.rctl, this.old.rctl!, r);
        break;
      }
      case "attr": {
        const a = this.attr;
        let ok = this.endCheck(a.name, "name");
        ok = this.endCheck(a.type, "type") && ok;
        ok = this.endCheck(a.value, "value") && ok;
        if (!/^[A-Za-z0-9]/.test(a.name)) {
          this.zerr(`Invalid attr name ${a.name}: must start with an alpha-numeric character.`);
          ok = false;
        } else if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(a.name)) {
          this.zerr(`Invalid attr name ${a.name}: can only contain alpha-numeric characters, plus '-' and '.'.`);
          ok = false;
        }
        if (!this.validAttrValue(a)) ok = false;
        if (!ok) return fail();
        if (isAdd) {
          if (cfg.attr.some((x) => x.name === a.name)) {
            this.zerr(`An attr resource with the name '${a.name}' already exists.`);
            return fail();
          }
          cfg.attr.push(structuredClone(a));
        } else this.replace(cfg.attr, this.old.attr!, a);
        break;
      }
      case "dataset": {
        const d = this.ds;
        if (d.name === "") {
          this.zerr("name not specified");
          return fail();
        }
        if (isAdd) {
          if (cfg.dataset.some((x) => x.name === d.name)) {
            this.zerr(`A dataset resource with the name '${d.name}' already exists.`);
            return fail();
          }
          cfg.dataset.push(structuredClone(d));
        } else this.replace(cfg.dataset, this.old.ds!, d);
        break;
      }
      case "dedicated-cpu":
        if (!this.endCheck(this.pset.ncpuMin, "ncpus")) return fail();
        cfg.pset = structuredClone(this.pset);
        break;
      case "capped-cpu":
        if (typeof getAliased(cfg, "cpu-cap") !== "bigint") {
          this.zerr("ncpus not specified");
          return fail();
        }
        break;
      case "capped-memory": {
        const phys = getAliased(cfg, "physical");
        const swap = getAliased(cfg, "swap");
        const locked = getAliased(cfg, "locked");
        if (typeof phys !== "bigint" && typeof swap !== "bigint" && typeof locked !== "bigint") {
          this.zerr("No property was specified.  One of physical, swap or locked is required.");
          return fail();
        }
        if (typeof phys === "bigint" && typeof locked === "bigint" && phys < locked) {
          this.zerr("The locked cap must be less than or equal to the physical cap.");
          return fail();
        }
        break;
      }
      case "admin": {
        const a = this.admin;
        let ok = this.endCheck(a.user, "user");
        if (this.endCheck(a.auths, "auths")) {
          if (!this.validAuths(a.auths)) ok = false;
        } else ok = false;
        if (!ok) return fail();
        if (isAdd) {
          if (cfg.admin.some((x) => x.user === a.user)) {
            this.zerr(`A admin resource with the user '${a.user}' already exists.`);
            return fail();
          }
          cfg.admin.push(structuredClone(a));
        } else this.replace(cfg.admin, this.old.admin!, a);
        break;
      }
      case "security-flags":
        if (!this.verifySecflags(this.secflags)) return fail();
        cfg.secflags = structuredClone(this.secflags);
        break;
      default:
        this.perror(this.resourceScope, "NO_RESOURCE_TYPE", true);
        return fail();
    }
    this.needToCommit = true;
    this.globalScope = true;
    this.endOp = null;
  }

  /** zonecfg_modify_*: the old resource is removed and the new one appended. */
  private replace<T>(list: T[], old: T, now: T): void {
    const i = list.findIndex((x) => JSON.stringify(x) === JSON.stringify(old));
    if (i >= 0) list.splice(i, 1);
    list.push(structuredClone(now));
  }

  private validAttrValue(a: AttrRes): boolean {
    const t = a.type;
    let ok: boolean;
    if (t === "boolean") ok = a.value === "true" || a.value === "false";
    else if (t === "int") ok = /^\s*[+-]?\d+$/.test(a.value) && BigInt(a.value.trim()) >= -(2n ** 63n) && BigInt(a.value.trim()) < 2n ** 63n;
    else if (t === "string") ok = a.value.length < 256;
    else if (t === "uint") ok = /^\s*\+?\d+$/.test(a.value) && BigInt(a.value.trim().replace(/^\+/, "")) < 2n ** 64n;
    else {
      this.zerr(`invalid attr type '${t}'`);
      return false;
    }
    if (!ok) this.zerr(`invalid attr value for type=${t}`);
    return ok;
  }

  private validAuths(auths: string): boolean {
    let ok = true;
    for (const a of auths.split(",").filter((x) => x !== "")) {
      if (!AUTHS.has(a)) {
        this.io.eprint(`zone '${this.zone}': '${a}' is not a valid authorization\n`);
        ok = false;
      }
    }
    return ok;
  }

  private verifySecflags(t: SecflagsRes): boolean {
    let ret = true;
    const parse = (s: string, what: string, dflt: Set<string>) => {
      if (s === "") return dflt;
      const p = parseSecflags(s);
      if (!p) {
        this.zerr(`${what} security flags '${s}' are invalid`);
        ret = false;
        return dflt;
      }
      if (!p.assign) this.zerr(`only assignment of security flags is allowed (${what}: ${s})`);
      return p.set;
    };
    const def = parse(t.default, "default", new Set());
    const upper = parse(t.upper, "upper", new Set(SECFLAGS));
    const lower = parse(t.lower, "lower", new Set());
    const within = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));
    if (!within(def, upper)) {
      this.zerr("default secflags must be within the upper limit");
      ret = false;
    }
    if (!within(lower, def)) {
      this.zerr("default secflags must be above the lower limit");
      ret = false;
    }
    if (!within(lower, upper)) {
      this.zerr("lower secflags must be within the upper limit");
      ret = false;
    }
    return ret;
  }

  private cancel(cmd: Cmd): void {
    const optind = this.options("cancel", cmd.argv, "?", () => undefined);
    if (optind < 0) return;
    if (optind !== cmd.argv.length) return this.shortUsage("cancel");
    if (this.globalScope) this.scopeUsage("cancel");
    this.globalScope = true;
    this.fs = this.newFs();
    this.net = emptyNet();
    this.dev = { match: "", props: [] };
    this.rctl = { name: "", values: [] };
    this.attr = { name: "", type: "", value: "" };
    this.ds = { name: "" };
  }

  // ---- lookups (fill_in_* + zonecfg_lookup_*) ----------------------------------------------

  private sameNetAddress(a1: string, a2: string): boolean {
    if (a1 === a2) return true;
    const s1 = a1.includes("/");
    const s2 = a2.includes("/");
    if (s1 === s2) return false;
    return (s1 ? a1.slice(0, a1.indexOf("/")) : a1) === (s2 ? a2.slice(0, a2.indexOf("/")) : a2);
  }

  /** zonecfg_lookup_nwif(): the matching nets (more than one means insufficient spec). */
  private lookupNet(q: NetRes): NetRes[] {
    const ex = this.cfg.ipType === "exclusive";
    return this.cfg.net.filter((n) => {
      if (q.physical !== "" && q.physical !== n.physical) return false;
      if (ex && q.mac !== "" && q.mac !== n.mac) return false;
      if (ex && q.gnic !== "" && q.gnic !== n.gnic) return false;
      if (!ex && q.address !== "" && !this.sameNetAddress(q.address, n.address)) return false;
      if (ex && q.allowedAddress !== "" && !this.sameNetAddress(q.allowedAddress, n.allowedAddress)) return false;
      if (q.defrouter !== "" && !this.sameNetAddress(q.defrouter, n.defrouter)) return false;
      return true;
    });
  }

  /**
   * fill_in_<rt>tab(): builds a query from qualifiers; undefined after an error message.
   * Allowed property names per resource type.
   */
  private fillIn(rt: string, pairs: Cmd["pairs"]): Record<string, string> | undefined {
    const allowed: Record<string, string[]> = {
      fs: ["dir", "special", "raw", "type"],
      net: ["address", "allowed-address", "physical", "mac-addr", "vlan-id", "global-nic", "defrouter"],
      device: ["match"],
      rctl: ["name"],
      attr: ["name", "type", "value"],
      dataset: ["name"],
      admin: ["user", "auths"],
      "security-flags": ["default", "lower", "upper"],
    };
    const q: Record<string, string> = {};
    for (const p of pairs) {
      if (p.value.kind !== "simple") {
        this.zerr("A simple value was expected here.");
        this.sawError = true;
        return undefined;
      }
      if (!(allowed[rt] ?? []).includes(p.name)) {
        this.perror(p.name, "NO_PROPERTY_TYPE", true);
        return undefined;
      }
      q[p.name] = p.value.value;
    }
    return q;
  }

  /** Finds resources of a type matching a query, with lookup's rules; returns them or an error. */
  private lookup(rt: string, q: Record<string, string>): { found: unknown[] } | { err: ZErr } {
    const cfg = this.cfg;
    const pick = <T>(list: T[], keys: [string, (x: T) => string][]): { found: unknown[] } | { err: ZErr } => {
      const hits = list.filter((x) => keys.every(([k, get]) => q[k] === undefined || q[k] === "" || q[k] === get(x)));
      if (hits.length === 0) return { err: "NO_RESOURCE_ID" };
      if (hits.length > 1) return { err: "INSUFFICIENT_SPEC" };
      return { found: hits };
    };
    switch (rt) {
      case "fs":
        return pick(cfg.fs, [["dir", (f) => f.dir], ["special", (f) => f.special], ["raw", (f) => f.raw], ["type", (f) => f.type]]);
      case "net": {
        const n: NetRes = { ...emptyNet(), address: q["address"] ?? "", allowedAddress: q["allowed-address"] ?? "", physical: q["physical"] ?? "", mac: q["mac-addr"] ?? "", gnic: q["global-nic"] ?? "", defrouter: q["defrouter"] ?? "" };
        if (n.address !== "" && n.allowedAddress !== "") return { err: "INVAL" };
        if ([n.address, n.physical, n.defrouter, n.allowedAddress, n.mac, n.gnic].every((x) => x === "")) return { err: "INSUFFICIENT_SPEC" };
        const hits = this.lookupNet(n);
        if (hits.length === 0) return { err: "NO_RESOURCE_ID" };
        if (hits.length > 1) return { err: "INSUFFICIENT_SPEC" };
        return { found: hits };
      }
      case "device":
        return pick(cfg.device, [["match", (d) => d.match]]);
      case "rctl":
        if (!q["name"]) return { err: "INVAL" };
        return pick(cfg.rctl.slice(0, 1 + cfg.rctl.findIndex((r) => r.name === q["name"])), [["name", (r) => r.name]]);
      case "attr":
        return pick(cfg.attr, [["name", (a) => a.name], ["type", (a) => a.type], ["value", (a) => a.value]]);
      case "dataset":
        return pick(cfg.dataset, [["name", (d) => d.name]]);
      case "admin":
        return pick(cfg.admin, [["user", (a) => a.user]]);
      case "security-flags":
        return cfg.secflags ? { found: [cfg.secflags] } : { err: "NO_ENTRY" };
    }
    return { err: "NO_RESOURCE_TYPE" };
  }

  // ---- remove -----------------------------------------------------------------------------

  private remove(cmd: Cmd): void {
    if (this.readOnly()) return;
    if (this.globalScope) {
      if (this.gzInvalidResource(cmd.resType)) {
        this.zerr(`${cmd.resType} is not a valid resource for the global zone.`);
        this.sawError = true;
        return;
      }
      this.removeResource(cmd);
    } else this.removeProperty(cmd);
  }

  private removeResource(cmd: Cmd): void {
    const type = cmd.resType;
    if (type === undefined) return this.longUsage("remove", true);
    let force = false;
    const optind = this.options("remove", cmd.argv, "?F", (c) => {
      if (c === "F") force = true;
    });
    if (optind < 0) return;
    if (!this.initialize(true)) return;
    const cfg = this.cfg;
    const lists: Record<string, unknown[]> = { fs: cfg.fs, net: cfg.net, device: cfg.device, rctl: cfg.rctl, attr: cfg.attr, dataset: cfg.dataset, admin: cfg.admin };
    switch (type) {
      case "fs":
      case "net":
      case "device":
      case "rctl":
      case "attr":
      case "dataset":
      case "admin": {
        const list = lists[type]!;
        if (cmd.pairs.length > 0) {
          const q = this.fillIn(type, cmd.pairs);
          if (!q) return this.cmdRtPerror("remove", type, "INSUFFICIENT_SPEC");
          const r = this.lookup(type, q);
          if ("err" in r) return this.cmdRtPerror("remove", type, r.err);
          list.splice(list.indexOf(r.found[0]), 1);
          this.needToCommit = true;
          return;
        }
        if (list.length === 0) return this.cmdRtPerror("remove", type, "NO_ENTRY");
        if (list.length > 1 && !force) {
          if (!this.mode.interactiveMode) {
            this.zerr("There are multiple instances of this resource.  Either qualify the resource to\nremove a single instance or use the -F option to remove all instances.");
            this.sawError = true;
            return;
          }
          this.askYesNo();
          this.zerr("Resource incomplete.");
          return;
        }
        list.length = 0;
        this.needToCommit = true;
        return;
      }
      case "dedicated-cpu":
        if (!cfg.pset) return this.cmdRtPerror("remove", type, "NO_ENTRY");
        cfg.pset = null;
        this.needToCommit = true;
        return;
      case "capped-cpu":
        if (typeof getAliased(cfg, "cpu-cap") !== "bigint") {
          this.zerr("remove capped-cpu: No such resource type");
          this.sawError = true;
          return;
        }
        removeAliased(cfg, "cpu-cap");
        this.needToCommit = true;
        return;
      case "capped-memory": {
        const set = ["physical", "swap", "locked"].filter((a) => typeof getAliased(cfg, a) === "bigint");
        if (set.length === 0) {
          this.zerr("remove capped-memory: No such resource type");
          this.sawError = true;
          return;
        }
        for (const a of set) removeAliased(cfg, a);
        this.needToCommit = true;
        return;
      }
      case "security-flags":
        if (!cfg.secflags) return this.zerr("remove security-flags: No such resource type");
        cfg.secflags = null;
        this.needToCommit = true;
        return;
    }
  }

  private removeProperty(cmd: Cmd): void {
    const rt = this.resourceScope;
    const prop = cmd.propName;
    if (prop === undefined) return this.longUsage("remove", true);
    if (!this.initialize(true)) return;
    const pv = cmd.value!;
    const noProp = () => {
      this.perror(prop, "NO_PROPERTY_TYPE", true);
      this.longUsage("remove", true);
      this.usage(false, HELP_PROPS);
    };
    switch (rt) {
      case "fs": {
        if (prop !== "options") return noProp();
        if (pv.kind === "complex") {
          this.zerr("A simple or list value was expected here.");
          this.sawError = true;
          return;
        }
        const vals = pv.kind === "simple" ? [pv.value] : pv.items.filter((i) => i.kind === "simple").map((i) => (i as { value: string }).value);
        for (const v of vals) {
          const i = this.fs.options.indexOf(v);
          if (i < 0) this.perror(prop, "NO_PROPERTY_ID", true);
          else this.fs.options.splice(i, 1);
        }
        return;
      }
      case "net":
      case "device": {
        if (prop !== "property") return noProp();
        if (pv.kind !== "complex") {
          this.zerr("A complex value was expected here.");
          this.sawError = true;
          return;
        }
        const q = { name: "", value: "" };
        for (const p of pv.pairs) {
          if (p.name === "name") q.name = p.value;
          else if (p.name === "value") q.value = p.value;
          else return noProp();
        }
        const list = rt === "net" ? this.net.props : this.dev.props;
        const i = list.findIndex((p) => p.name === q.name && p.value === q.value);
        if (i < 0) this.perror(prop, "NO_PROPERTY_ID", true);
        else list.splice(i, 1);
        return;
      }
      case "rctl": {
        if (prop !== "value") return noProp();
        if (pv.kind !== "complex") {
          this.zerr("A complex value was expected here.");
          this.sawError = true;
          return;
        }
        const q: RctlVal = { priv: "", limit: "", action: "" };
        for (const p of pv.pairs) {
          if (p.name === "priv") q.priv = p.value;
          else if (p.name === "limit") q.limit = p.value;
          else if (p.name === "action") q.action = p.value;
          else return noProp();
        }
        const i = this.rctl.values.findIndex((v) => v.priv === q.priv && v.limit === q.limit && v.action === q.action);
        if (i < 0) this.perror(prop, "NO_PROPERTY_ID", true);
        else this.rctl.values.splice(i, 1);
        return;
      }
    }
    this.perror(rt, "NO_RESOURCE_TYPE", true);
    this.longUsage("remove", true);
    this.usage(false, HELP_RESOURCES);
  }

  // ---- clear ------------------------------------------------------------------------------

  private clear(cmd: Cmd): void {
    if (this.readOnly()) return;
    const prop = cmd.propName!;
    if (this.globalScope) {
      if (this.gzInvalidProperty(prop)) {
        this.zerr(`${prop} is not a valid property for the global zone.`);
        this.sawError = true;
        return;
      }
      return this.clearGlobal(prop);
    }
    if (!this.initialize(true)) return;
    const done = () => {
      this.needToCommit = true;
    };
    switch (this.resourceScope) {
      case "fs":
        if (prop === "raw") return void ((this.fs.raw = ""), done());
        break;
      case "dedicated-cpu":
        if (prop === "importance") return void ((this.pset.importance = ""), done());
        break;
      case "capped-memory":
        if (prop === "physical" || prop === "swap" || prop === "locked") return this.clearAliased(prop);
        break;
      case "net": {
        const map: Record<string, keyof NetRes> = { "allowed-address": "allowedAddress", defrouter: "defrouter", "global-nic": "gnic", "mac-addr": "mac", "vlan-id": "vlanId" };
        const k = map[prop];
        if (k) {
          (this.net as unknown as Record<string, string>)[k] = "";
          return done();
        }
        break;
      }
      case "security-flags":
        if (prop === "lower" || prop === "default" || prop === "upper") {
          this.secflags[prop] = "";
          return done();
        }
        break;
    }
    this.perror(prop, "CLEAR_DISALLOW", true);
  }

  private clearAliased(prop: string): void {
    const v = getAliased(this.cfg, prop);
    if (typeof v !== "bigint") {
      this.zerr(`clear ${prop}: ${ZERR[v === "noentry" ? "NO_ENTRY" : "ALIAS_DISALLOW"]}`);
      this.sawError = true;
      return;
    }
    removeAliased(this.cfg, prop);
    this.needToCommit = true;
  }

  private clearGlobal(prop: string): void {
    if (!this.initialize(true)) return;
    const cfg = this.cfg;
    switch (prop) {
      case "zonename":
      case "zonepath":
      case "brand":
        return this.perror(prop, "CLEAR_DISALLOW", true);
      case "autoboot":
        cfg.autoboot = false;
        break;
      case "pool":
        cfg.pool = "";
        break;
      case "limitpriv":
        cfg.limitpriv = "";
        break;
      case "bootargs":
        cfg.bootargs = "";
        break;
      case "scheduling-class":
        cfg.schedulingClass = "";
        break;
      case "ip-type":
        cfg.ipType = "shared";
        break;
      case "max-lwps":
      case "max-processes":
      case "max-shm-memory":
      case "max-shm-ids":
      case "max-msg-ids":
      case "max-sem-ids":
      case "cpu-shares":
      case "zfs-io-priority":
        return this.clearAliased(prop);
      case "hostid":
        cfg.hostid = "";
        break;
      case "fs-allowed":
        cfg.fsAllowed = "";
        break;
      default:
        this.perror(prop, "NO_PROPERTY_TYPE", true);
        this.longUsage("clear", true);
        this.usage(false, HELP_PROPS);
        return;
    }
    this.needToCommit = true;
  }

  // ---- select -----------------------------------------------------------------------------

  private select(cmd: Cmd): void {
    if (this.readOnly()) return;
    if (!this.globalScope) return this.scopeUsage("select");
    const type = cmd.resType!;
    this.globalScope = false;
    this.resourceScope = type;
    this.endOp = "select";
    if (!this.initialize(true)) return;
    const cfg = this.cfg;
    const failed = (err: ZErr) => {
      this.cmdRtPerror("select", type, err);
      this.globalScope = true;
    };
    switch (type) {
      case "dedicated-cpu":
        if (!cfg.pset) return failed("NO_ENTRY");
        this.pset = structuredClone(cfg.pset);
        return;
      case "capped-cpu": {
        const v = getAliased(cfg, "cpu-cap");
        if (typeof v !== "bigint") return failed(v === "noentry" ? "NO_ENTRY" : "ALIAS_DISALLOW");
        return;
      }
      case "capped-memory":
        if (!["physical", "swap", "locked"].some((a) => typeof getAliased(cfg, a) === "bigint")) return failed("NO_RESOURCE_TYPE");
        return;
    }
    const q = this.fillIn(type, cmd.pairs);
    if (!q) return failed("INSUFFICIENT_SPEC");
    const r = this.lookup(type, q);
    if ("err" in r) return failed(r.err);
    const found = structuredClone(r.found[0]);
    switch (type) {
      case "fs":
        this.old.fs = r.found[0] as FsRes;
        this.fs = found as FsRes;
        return;
      case "net":
        this.old.net = r.found[0] as NetRes;
        this.net = found as NetRes;
        return;
      case "device":
        this.old.dev = r.found[0] as DevRes;
        this.dev = found as DevRes;
        return;
      case "rctl":
        this.old.rctl = r.found[0] as RctlRes;
        this.rctl = found as RctlRes;
        return;
      case "attr":
        this.old.attr = r.found[0] as AttrRes;
        this.attr = found as AttrRes;
        return;
      case "dataset":
        this.old.ds = r.found[0] as DatasetRes;
        this.ds = found as DatasetRes;
        return;
      case "admin":
        this.old.admin = r.found[0] as AdminRes;
        this.admin = found as AdminRes;
        return;
      case "security-flags":
        this.old.secflags = r.found[0] as SecflagsRes;
        this.secflags = found as SecflagsRes;
        return;
    }
  }

  // ---- info / export ----------------------------------------------------------------------

  private info(cmd: Cmd): void {
    if (!this.initialize(true)) return;
    const cfg = this.cfg;
    if (!this.globalScope) {
      const outs: Record<string, () => string> = {
        fs: () => R.outputFs(this.fs),
        net: () => R.outputNet(this.net),
        device: () => R.outputDev(this.dev),
        rctl: () => R.outputRctl(this.rctl),
        attr: () => R.outputAttr(this.attr),
        dataset: () => R.outputDs(this.ds),
        "dedicated-cpu": () => R.outputPset(this.pset),
        "capped-cpu": () => R.outputPcap(cfg),
        "capped-memory": () => R.outputMcap(cfg),
        admin: () => R.outputAdmin(this.admin),
        "security-flags": () => R.outputSecflags(this.secflags),
      };
      this.io.print(outs[this.resourceScope]?.() ?? "");
      return;
    }
    const type = cmd.resType;
    if (this.globalZone && ["zonename", "zonepath", "autoboot", "limitpriv", "bootargs", "brand", "scheduling-class", "ip-type", "hostid", "fs-allowed"].includes(type ?? "")) {
      return this.zerr(`${type} is not a valid property for the global zone.`);
    }
    if (this.gzInvalidResource(type)) return this.zerr(`${type} is not a valid resource for the global zone.`);
    if (type === undefined) return this.io.print(R.infoAll(cfg, this.globalZone));
    const filtered = <T>(rt: string, list: T[], out: (x: T) => string, keys: [string, (x: T) => string][], net = false) => {
      let s = "";
      let output = false;
      for (const x of list) {
        if (cmd.pairs.length === 0) {
          s += out(x);
          continue;
        }
        const q = this.fillIn(rt, cmd.pairs);
        if (!q) continue;
        if (net) {
          const n = x as unknown as NetRes;
          if (q["physical"] && q["physical"] !== n.physical) continue;
          if (q["address"] && !this.sameNetAddress(q["address"], n.address)) continue;
        } else if (keys.some(([k, get]) => q[k] !== undefined && q[k] !== "" && q[k] !== get(x))) continue;
        s += out(x);
        output = true;
      }
      this.io.print(s);
      if (!output && cmd.pairs.length > 0) this.io.print(`No such ${rt} resource.\n`);
    };
    switch (type) {
      case "fs":
        return filtered("fs", cfg.fs, R.outputFs, [["dir", (f) => f.dir], ["special", (f) => f.special], ["type", (f) => f.type]]);
      case "net":
        return filtered("net", cfg.net, R.outputNet, [], true);
      case "device":
        return filtered("device", cfg.device, R.outputDev, [["match", (d) => d.match]]);
      case "rctl":
        return filtered("rctl", cfg.rctl, R.outputRctl, [["name", (r) => r.name]]);
      case "attr":
        return filtered("attr", cfg.attr, R.outputAttr, [["name", (a) => a.name], ["type", (a) => a.type], ["value", (a) => a.value]]);
      case "dataset":
        return filtered("dataset", cfg.dataset, R.outputDs, [["name", (d) => d.name]]);
      case "admin":
        return filtered("admin", cfg.admin, R.outputAdmin, [["user", (a) => a.user]]);
      case "dedicated-cpu":
        return this.io.print(cfg.pset ? R.outputPset(cfg.pset) : "");
      case "capped-cpu":
        return this.io.print(R.outputPcap(cfg));
      case "capped-memory":
        return this.io.print(R.infoMcap(cfg));
      case "security-flags":
        return this.io.print(cfg.secflags ? R.outputSecflags(cfg.secflags) : "");
      default:
        return this.io.print(R.infoGlobal(cfg, type));
    }
  }

  private export(cmd: Cmd): void {
    let outfile = "";
    const optind = this.options("export", cmd.argv, "?f:", (c, arg) => {
      if (c === "f") outfile = arg!;
    });
    if (optind < 0) return;
    if (optind !== cmd.argv.length) return this.shortUsage("export");
    let writeOut = (s: string) => this.io.print(s);
    if (outfile !== "") {
      const msg = openForWrite(outfile);
      if (typeof msg === "string") return this.zerr(`opening file ${outfile}: ${msg}`);
      writeOut = msg;
    }
    if (!this.initialize(true)) return;
    writeOut(R.exportConfig(this.cfg));
  }

  // ---- verify / commit --------------------------------------------------------------------

  private commit(cmd: Cmd): void {
    const optind = this.options("commit", cmd.argv, "?", () => undefined);
    if (optind < 0) return;
    if (optind !== cmd.argv.length) return this.shortUsage("commit");
    if (this.readOnly()) return;
    this.verify([], true);
  }

  /** verify_func(); with `save`, the commit. */
  verify(argv: string[], save: boolean): void {
    if (!save) {
      const optind = this.options("verify", argv, "?", () => undefined);
      if (optind < 0) return;
    }
    if (this.readOnly()) return;
    if (!this.initialize(true)) return;
    const cfg = this.cfg;
    const zone = this.zone;
    let ret: ZErr = "OK";
    const missing = (rt: string, prop: string, value: string) => {
      if (value === "") {
        this.zerr(`${rt}: ${prop} not specified`);
        this.sawError = true;
        if (ret === "OK") ret = "REQD_PROPERTY_MISSING";
      }
    };
    if (!this.globalZone && cfg.zonepath === "") {
      this.zerr("zonepath cannot be empty.");
      ret = "REQD_RESOURCE_MISSING";
      this.sawError = true;
    }
    if (!KNOWN_BRANDS.includes(R.brandOf(cfg))) {
      this.zerr(`${zone}: unknown brand.\n`);
      return this.perror(zone, "INVALID_DOCUMENT", true);
    }
    const badPriv = cfg.limitpriv === "" ? undefined : cfg.limitpriv.split(",").map((p) => p.replace(/^[!-]/, "")).find((p) => p === "zone" || !PRIVILEGES.has(p));
    if (badPriv !== undefined) return this.zerr(`${zone}: invalid privilege: ${badPriv}`);
    if (cfg.hostid !== "" && R.hostidValid(cfg.hostid) === "invalid") return this.zerr(`${zone}: invalid hostid: ${cfg.hostid}`);
    if (cfg.fsAllowed !== "" && !R.fsAllowedValid(cfg.fsAllowed)) return this.zerr(`${zone}: invalid fs-allowed: ${cfg.fsAllowed}`);
    for (const f of cfg.fs) {
      missing("fs", "dir", f.dir);
      missing("fs", "special", f.special);
      missing("fs", "type", f.type);
    }
    const xif: { name: string; hasAddress: boolean; hasDefrouter: boolean }[] = [];
    for (const n of cfg.net) {
      missing("net", "physical", n.physical);
      if (!this.validatePhysical(n.physical)) {
        this.sawError = true;
        if (ret === "OK") ret = "INVAL";
      }
      if (cfg.ipType === "shared") {
        missing("net", "address", n.address);
        if (n.allowedAddress !== "") {
          this.zerr("net: allowed-address cannot be specified for a shared IP type");
          this.sawError = true;
          if (ret === "OK") ret = "INVAL";
        }
      } else if (n.address !== "") {
        this.zerr("net: address cannot be specified for an exclusive IP type");
        this.sawError = true;
        if (ret === "OK") ret = "INVAL";
      } else {
        const x = xif.find((e) => e.name === n.physical);
        if (x) {
          if (n.allowedAddress !== "") x.hasAddress = true;
          if (n.defrouter !== "") x.hasDefrouter = true;
        } else xif.unshift({ name: n.physical, hasAddress: n.allowedAddress !== "", hasDefrouter: n.defrouter !== "" });
      }
    }
    for (const x of xif) {
      if (!x.hasAddress && x.hasDefrouter) {
        this.zerr(`net: defrouter for ${x.name} cannot be specified without allowed-address for an exclusive IP type`);
        this.sawError = true;
        ret = "INVAL";
      }
    }
    let shares = false;
    let cap = false;
    for (const r of cfg.rctl) {
      missing("rctl", "name", r.name);
      if (r.name === "zone.cpu-shares") shares = true;
      if (r.name === "zone.cpu-cap") cap = true;
      if (r.values.length === 0) {
        this.zerr("rctl: no value specified");
        this.sawError = true;
        if (ret === "OK") ret = "REQD_PROPERTY_MISSING";
      }
    }
    const incompatible = (msg: string) => {
      this.zerr(msg);
      this.sawError = true;
      if (ret === "OK") ret = "INCOMPATIBLE";
    };
    if (cfg.pset && shares) incompatible("rctl zone.cpu-shares and dedicated-cpu are incompatible.");
    if (shares && cfg.schedulingClass !== "" && cfg.schedulingClass !== "FSS") incompatible(`WARNING: rctl zone.cpu-shares and scheduling-class=${cfg.schedulingClass} are incompatible`);
    if (cfg.pset && cap) incompatible("rctl zone.cpu-cap and the dedicated-cpu are incompatible.");
    for (const a of cfg.attr) {
      missing("attr", "name", a.name);
      missing("attr", "type", a.type);
      missing("attr", "value", a.value);
    }
    for (const d of cfg.dataset) {
      if (d.name === "") {
        this.zerr("dataset: name not specified");
        this.sawError = true;
        if (ret === "OK") ret = "REQD_PROPERTY_MISSING";
      } else if (!zfsNameValid(d.name)) {
        this.zerr("dataset: name invalid");
        this.sawError = true;
        if (ret === "OK") ret = "BAD_PROPERTY";
      }
    }
    for (const a of cfg.admin) {
      missing("admin", "user", a.user);
      missing("admin", "auths", a.auths);
      if (ret === "OK" && !this.validAuths(a.auths)) ret = "BAD_PROPERTY";
    }
    if (cfg.secflags && !this.verifySecflags(cfg.secflags)) ret = "BAD_PROPERTY";
    if (!this.globalScope) {
      this.zerr("resource specification incomplete");
      this.sawError = true;
      if (ret === "OK") ret = "INSUFFICIENT_SPEC";
    }
    if (save) {
      if (ret === "OK") {
        if (cfg.debugid === null) cfg.debugid = this.globalZone ? 0 : this.host.nextDid();
        this.save();
        this.needToCommit = false;
        this.revertZone = this.zone;
      } else this.zerr(`Zone ${zone} failed to verify`);
    }
    if (ret !== "OK") this.perror(zone, ret, true);
  }

  /** zonecfg_save(): the configuration file and the index (refresh_index_file). */
  private save(): void {
    const h = this.handle!;
    const cfg = h.cfg;
    this.host.saveConfig(cfg);
    if (cfg.name !== "global") {
      const entries = this.host.index();
      if (h.deleteName !== "") {
        const e = entries.find((x) => x.name === h.deleteName);
        if (e) {
          e.name = cfg.name;
          e.zonepath = cfg.zonepath;
        }
        this.host.saveIndex(entries);
        this.host.removeConfig(h.deleteName);
        h.deleteName = "";
      } else if (h.isNew) {
        const e = entries.find((x) => x.name === cfg.name);
        if (e) {
          e.state = "configured";
          e.zonepath = cfg.zonepath;
          e.uuid = "";
        } else entries.push({ name: cfg.name, state: "configured", zonepath: cfg.zonepath, uuid: "" });
        this.host.saveIndex(entries);
      } else {
        const e = entries.find((x) => x.name === cfg.name);
        if (e && e.zonepath !== cfg.zonepath) {
          e.zonepath = cfg.zonepath;
          this.host.saveIndex(entries);
        }
      }
    }
    h.isNew = false;
  }

  // ---- revert / delete / exit / help ------------------------------------------------------

  private revert(cmd: Cmd): void {
    let force = false;
    const optind = this.options("revert", cmd.argv, "?F", (c) => {
      if (c === "F") force = true;
    });
    if (optind < 0) return;
    if (optind !== cmd.argv.length) return this.shortUsage("revert");
    if (this.readOnly()) return;
    if (!this.globalScope) {
      this.zerr("You can only use revert in the global scope.\nUse 'cancel' to cancel changes to a resource specification.");
      this.sawError = true;
      return;
    }
    if (!this.handle) {
      this.zerr("No changes to revert.");
      this.sawError = true;
      return;
    }
    if (!force) {
      this.askYesNo();
      this.zerr("Input not from terminal and -F not specified:\nrevert command ignored, exiting.");
      throw new Exit(1);
    }
    const cfg = this.host.config(this.revertZone);
    if (!cfg) {
      this.handle = null;
      this.sawError = true;
      this.gotHandle = false;
      this.zerr(`${this.revertZone}: no such saved zone to revert to.`);
    } else this.handle = { cfg, isNew: false, deleteName: "" };
    this.zone = this.revertZone;
  }

  private delete(cmd: Cmd): void {
    let force = false;
    const optind = this.options("delete", cmd.argv, "?F", (c) => {
      if (c === "F") force = true;
    }, true);
    if (optind < 0) return;
    if (optind !== cmd.argv.length) return this.shortUsage("delete");
    if (this.readOnly()) return;
    if (!force) {
      if (!this.initialize(true)) return;
      this.askYesNo();
      this.zerr("Input not from terminal and -F not specified:\ndelete command ignored, exiting.");
      throw new Exit(1);
    }
    this.initialize(true);
    const st = this.state();
    const exists = this.host.config(this.zone) !== undefined;
    if (st === undefined && !exists) this.perror(this.zone, "NO_ZONE", true);
    else if (st !== undefined && rank(st) > rank("installed")) this.perror(this.zone, "BAD_ZONE_STATE", true);
    else {
      this.host.saveIndex(this.host.index().filter((e) => e.name !== this.zone));
      this.host.removeConfig(this.zone);
    }
    this.needToCommit = false;
    if (this.gotHandle) {
      const cfg = this.getHandle(this.zone);
      this.handle = cfg ? { cfg, isNew: false, deleteName: "" } : null;
      if (!cfg) this.gotHandle = false;
    }
  }

  private exit(cmd: Cmd): void {
    const { opts, optind } = getopt(cmd.argv, "?F");
    for (const o of opts) {
      if (!o.error && o.c === "F") this.forceExit = true;
      else if (o.c === "?") return this.longerUsage("exit");
      else return this.shortUsage("exit");
    }
    if (optind < cmd.argv.length) return this.shortUsage("exit");
    if (this.globalScope || this.forceExit) {
      this.timeToExit = true;
      return;
    }
    this.askYesNo();
    this.zerr("Resource incomplete, input not from terminal and -F not specified:\nexit command ignored, but exiting anyway.");
    throw new Exit(1);
  }

  private help(cmd: Cmd): void {
    if (cmd.argv.length === 0) return this.usage(true, this.globalScope ? HELP_SUBCMDS : HELP_RES_SCOPE);
    const a = cmd.argv[0]!;
    if (a === "usage") return this.usage(true, HELP_USAGE);
    if (a === "commands") return this.usage(true, HELP_SUBCMDS);
    if (a === "syntax") return this.usage(true, HELP_SYNTAX | HELP_RES_PROPS);
    if (a === "-?") return this.longerUsage("help");
    const c = COMMANDS.find((x) => x === a);
    if (c) return this.longerUsage(c);
    this.io.eprint(`Unknown help subject ${a}.  `);
    this.usage(false, HELP_META);
  }

  // ---- end of run -------------------------------------------------------------------------

  /** cleanup(): commit pending changes at exit; returns the exit status. */
  cleanup(): number {
    if (!this.globalScope) {
      if (!this.timeToExit) {
        this.askYesNo();
        this.zerr("Resource incomplete.");
        return 1;
      }
      this.sawError = true;
    }
    if (this.needToCommit && this.handle && (!this.sawError || this.mode.commitOnError)) {
      this.verify([], true);
      if (this.needToCommit) {
        this.zerr("Configuration not saved.");
        return 1;
      }
    }
    return this.needToCommit || this.sawError ? 1 : 0;
  }
}

/** Opens a file for `export -f`: a writer, or the strerror text of the failure. */
function openForWrite(path: string): ((s: string) => void) | string {
  try {
    writeFileSync(path, "");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "No such file or directory" : code === "EACCES" ? "Permission denied" : code === "EISDIR" ? "Is a directory" : String((e as Error).message);
  }
  return (s: string) => writeFileSync(path, s, { flag: "a" });
}
