// dladm: parsable output, link/VNIC/etherstub queries, VNIC and etherstub create/delete, all as argv.

import type { Host, RunResult } from "../transport/host";
import { commandError, failedWith, type ErrorRule } from "./command-error";
import { assertValid, checkLinkName, checkMacAddress, checkVlanId, type InputFailure } from "./names";
import { splitParsable } from "./parsable";

/** Known dladm failures (SPEC §3.2). */
export const DLADM_ERRORS: readonly ErrorRule[] = [
  { match: /object already exists/, code: "zmgr::dladm::exists", help: "a link with this name already exists; pick another name or delete the old link" },
  { match: /link busy/, code: "zmgr::dladm::busy", help: "the link is in use (by a running zone?); halt the zone first" },
  { match: /is not a vnic|is not an etherstub/, code: "zmgr::dladm::wrong-class", help: "the link exists but is of another class; check the name" },
  { match: /invalid VLAN identifier/, code: "zmgr::input::vlan-id", help: "use a VLAN id from 1 to 4094" },
  { match: /invalid MAC address|MAC address is already in use/, code: "zmgr::dladm::mac-address", help: "give a valid MAC address not used by another link, or let dladm choose one" },
  { match: /object not found|invalid link name|is not valid/, code: "zmgr::dladm::not-found", help: "no such link on the host; check `dladm show-link`" },
  { match: /permission denied/, code: "zmgr::host::permission", help: "dladm needs root or the Network Management profile (use pfexec or sudo)" },
];

/**
 * Parses `dladm ... -p -o f1,f2,...` output into one record per line keyed by the given field
 * names. With more than one field, `:` and `\` inside values come escaped (`\:`, `\\`); a single
 * field is printed raw (SPEC §3.3).
 */
export function parseDladmParsable<F extends string>(text: string, fields: readonly F[]): Record<F, string>[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((line) => {
      const values = fields.length === 1 ? [line] : splitParsable(line);
      const row = {} as Record<F, string>;
      fields.forEach((f, i) => (row[f] = values[i] ?? ""));
      return row;
    });
}

/** A datalink (`dladm show-link`). */
export interface DlLink {
  /** The link name. */
  readonly link: string;
  /** phys, vlan, aggr, vnic, etherstub, iptun, simnet, bridge, part, overlay. */
  readonly class: string;
  /** MTU, undefined when not shown. */
  readonly mtu?: number;
  /** up, down, unknown. */
  readonly state: string;
  /** The link(s) it is over (space-separated for aggregations), empty when none. */
  readonly over: string;
}

/** A VNIC (`dladm show-vnic`). */
export interface DlVnic {
  /** The VNIC name. */
  readonly link: string;
  /** The link it is over (a physical link or an etherstub). */
  readonly over: string;
  /** Speed in Mb/s, undefined when unknown. */
  readonly speed?: number;
  /** The MAC address as dladm prints it (no leading zeros: `2:8:20:d5:3c:a1`). */
  readonly macAddress: string;
  /** fixed, random, `factory, slot N`, vrrp. */
  readonly macAddressType: string;
  /** The VLAN id, 0 when none. */
  readonly vlanId: number;
}

const LINK_FIELDS = ["link", "class", "mtu", "state", "over"] as const;
const VNIC_FIELDS = ["link", "over", "speed", "macaddress", "macaddrtype", "vid"] as const;

const num = (s: string): number | undefined => (/^\d+$/.test(s) ? Number(s) : undefined);

function toLink(r: Record<(typeof LINK_FIELDS)[number], string>): DlLink {
  const mtu = num(r.mtu);
  return { link: r.link, class: r.class, ...(mtu === undefined ? {} : { mtu }), state: r.state, over: r.over };
}

function toVnic(r: Record<(typeof VNIC_FIELDS)[number], string>): DlVnic {
  const speed = num(r.speed);
  return { link: r.link, over: r.over, ...(speed === undefined ? {} : { speed }), macAddress: r.macaddress, macAddressType: r.macaddrtype, vlanId: num(r.vid) ?? 0 };
}

function linkArg(name: string, property: string): string {
  assertValid(checkLinkName(name, property));
  return name;
}

/** Every datalink (`dladm show-link -p -o link,class,mtu,state,over`). */
export async function listLinks(host: Host): Promise<DlLink[]> {
  const argv = ["dladm", "show-link", "-p", "-o", LINK_FIELDS.join(",")];
  const result = await host.run(argv);
  if (result.exitCode !== 0) throw commandError(host, argv, result, DLADM_ERRORS);
  return parseDladmParsable(result.stdout, LINK_FIELDS).map(toLink);
}

/** One datalink, or null when there is none of that name. */
export async function getLink(host: Host, name: string): Promise<DlLink | null> {
  const argv = ["dladm", "show-link", "-p", "-o", LINK_FIELDS.join(","), linkArg(name, "link")];
  const result = await host.run(argv);
  if (failedWith(result, /object not found/)) return null;
  if (result.exitCode !== 0) throw commandError(host, argv, result, DLADM_ERRORS);
  return parseDladmParsable(result.stdout, LINK_FIELDS).map(toLink)[0] ?? null;
}

/** True when a datalink of that name exists (any class). */
export async function linkExists(host: Host, name: string): Promise<boolean> {
  return (await getLink(host, name)) !== null;
}

/** Every VNIC (`dladm show-vnic -p -o link,over,speed,macaddress,macaddrtype,vid`; etherstubs are not VNICs). */
export async function listVnics(host: Host): Promise<DlVnic[]> {
  const argv = ["dladm", "show-vnic", "-p", "-o", VNIC_FIELDS.join(",")];
  const result = await host.run(argv);
  if (result.exitCode !== 0) throw commandError(host, argv, result, DLADM_ERRORS);
  return parseDladmParsable(result.stdout, VNIC_FIELDS).map(toVnic);
}

/** One VNIC, or null when there is no VNIC of that name. */
export async function getVnic(host: Host, name: string): Promise<DlVnic | null> {
  const argv = ["dladm", "show-vnic", "-p", "-o", VNIC_FIELDS.join(","), linkArg(name, "vnic")];
  const result = await host.run(argv);
  if (failedWith(result, /object not found/)) return null;
  if (result.exitCode !== 0) throw commandError(host, argv, result, DLADM_ERRORS);
  return parseDladmParsable(result.stdout, VNIC_FIELDS).map(toVnic)[0] ?? null;
}

/** The names of every etherstub (from show-link, class etherstub). */
export async function listEtherstubs(host: Host): Promise<string[]> {
  return (await listLinks(host)).filter((l) => l.class === "etherstub").map((l) => l.link);
}

/** What {@link createVnic} creates. */
export interface VnicSpec {
  /** The VNIC's name (see checkLinkName), e.g. `web0`. */
  readonly name: string;
  /** The link it goes over: a physical link, aggregation or etherstub. */
  readonly over: string;
  /** A fixed MAC address; dladm picks one when absent. */
  readonly macAddress?: string;
  /** A VLAN id from 1 to 4094. */
  readonly vlanId?: number;
  /** `-t`: not persistent across reboots. */
  readonly temporary?: boolean;
}

/** Input failures of a {@link VnicSpec}, property names as in the spec. */
export function validateVnicSpec(spec: VnicSpec): InputFailure[] {
  return [
    ...checkLinkName(spec.name, "name"),
    ...checkLinkName(spec.over, "over"),
    ...(spec.macAddress === undefined ? [] : checkMacAddress(spec.macAddress, "macAddress")),
    ...(spec.vlanId === undefined ? [] : checkVlanId(spec.vlanId, "vlanId")),
  ];
}

/** `dladm create-vnic [-t] -l OVER [-m MAC] [-v VID] NAME`. */
export async function createVnic(host: Host, spec: VnicSpec): Promise<void> {
  const argv = createVnicArgv(spec);
  checkDladm(host, argv, await host.run(argv));
}

/** The argv of {@link createVnic} (the spec checked). */
export function createVnicArgv(spec: VnicSpec): string[] {
  assertValid(validateVnicSpec(spec));
  const argv = ["dladm", "create-vnic", ...(spec.temporary ? ["-t"] : []), "-l", spec.over];
  if (spec.macAddress !== undefined) argv.push("-m", spec.macAddress);
  if (spec.vlanId !== undefined) argv.push("-v", String(spec.vlanId));
  argv.push(spec.name);
  return argv;
}

/** Throws the mapped error when a dladm command (run alone or in a batch) failed. */
export function checkDladm(host: Host, argv: readonly string[], result: RunResult): RunResult {
  if (result.exitCode !== 0) throw commandError(host, argv, result, DLADM_ERRORS);
  return result;
}

/** `dladm delete-vnic NAME`. Resolves false when there was no such link (nothing to do). */
export async function deleteVnic(host: Host, name: string, options: { temporary?: boolean } = {}): Promise<boolean> {
  const argv = ["dladm", "delete-vnic", ...(options.temporary ? ["-t"] : []), linkArg(name, "vnic")];
  const result = await host.run(argv);
  if (failedWith(result, /invalid link name|object not found/)) return false;
  if (result.exitCode !== 0) throw commandError(host, argv, result, DLADM_ERRORS);
  return true;
}

/** `dladm create-etherstub NAME`. */
export async function createEtherstub(host: Host, name: string, options: { temporary?: boolean } = {}): Promise<void> {
  const argv = ["dladm", "create-etherstub", ...(options.temporary ? ["-t"] : []), linkArg(name, "etherstub")];
  const result = await host.run(argv);
  if (result.exitCode !== 0) throw commandError(host, argv, result, DLADM_ERRORS);
}

/** `dladm delete-etherstub NAME`. Resolves false when there was no such link. */
export async function deleteEtherstub(host: Host, name: string, options: { temporary?: boolean } = {}): Promise<boolean> {
  const argv = ["dladm", "delete-etherstub", ...(options.temporary ? ["-t"] : []), linkArg(name, "etherstub")];
  const result = await host.run(argv);
  if (failedWith(result, /invalid link name|object not found/)) return false;
  if (result.exitCode !== 0) throw commandError(host, argv, result, DLADM_ERRORS);
  return true;
}
