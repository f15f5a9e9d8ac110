// The end-to-end test program: a pool, a publisher, a template and zones, shaped by stack config.
import * as pulumi from "@pulumi/pulumi";
import * as zmgr from "pulumi-zmgr";

const config = new pulumi.Config();
const zonesDir = config.require("zonesDir");
const zoneCount = config.getNumber("zones") ?? 2;
const brand = config.get("brand") ?? "lipkg";
const cpuShares = config.getNumber("cpuShares");

/** A module-level helper the program uses (closure serialization must not pick it up). */
function zoneName(i: number): string {
  return `web${i}`;
}

const lan = new zmgr.Pool("lan", { network: "10.0.0.0/24", gateway: "10.0.0.1", stub: "zstub0", rangeStart: "10.0.0.10", rangeEnd: "10.0.0.200" });
const omnios = new zmgr.Publisher("omnios", { origins: ["https://pkg.omnios.org/r151054/core/"] });
const base = new zmgr.Template("base", { brand, autoboot: true, pool: lan.name, zonepathPrefix: zonesDir, publishers: [omnios.name] });

const zones = Array.from({ length: zoneCount }, (_, i) => new zmgr.Zone(zoneName(i), { template: base, cpuShares, resolvers: ["1.1.1.1"] }));

export const addresses = zones.map((z) => z.address);
export const states = zones.map((z) => z.state);
export const vnics = zones.map((z) => z.vnic);
