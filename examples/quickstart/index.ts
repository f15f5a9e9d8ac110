// Quickstart: an address pool, an IPS publisher, a template and three zones on one illumos host.
//
// The host comes from stack config (zmgr:host, zmgr:user, zmgr:privateKey --secret, zmgr:hostKey),
// or give each resource `host` explicitly:
//   const host: zmgr.HostArgs = { ssh: { host: "gz1", privateKey: cfg.requireSecret("key"), hostKey: "ssh-ed25519 AAAA..." } };
// `npm run demo` runs this program against a simulated host (see scripts/demo.sh).
import * as pulumi from "@pulumi/pulumi";
import * as zmgr from "pulumi-zmgr";

const cfg = new pulumi.Config();
const zonesDir = cfg.get("zonesDir") ?? "/zones";

const lan = new zmgr.Pool("lan", {
  network: "10.0.0.0/24",
  gateway: "10.0.0.1",
  stub: "zstub0",
  rangeStart: "10.0.0.10",
  rangeEnd: "10.0.0.200",
});

const omnios = new zmgr.Publisher("omnios", { origins: ["https://pkg.omnios.org/r151054/core/"] });

const base = new zmgr.Template("lipkg", {
  brand: "lipkg",
  autoboot: true,
  pool: lan.name,
  zonepathPrefix: zonesDir,
  publishers: [omnios.name],
});

const web = new zmgr.Zone("web", { template: base, resolvers: ["1.1.1.1", "9.9.9.9"], dnsDomain: "example.org" });
const db = new zmgr.Zone("db", { template: base, cappedMemory: "2G", cpuShares: 20 });
const build = new zmgr.Zone("build", { template: base, address: "10.0.0.50", state: "installed" });

export const zones = {
  web: { address: web.address, vnic: web.vnic, state: web.state },
  db: { address: db.address, vnic: db.vnic, state: db.state },
  build: { address: build.address, vnic: build.vnic, state: build.state },
};
