// Adopting existing zones: the program `pulumi-zmgr discover` writes for a host with pool "lan", template "lipkg" and
// two zones made by hand, plus a read-only reference to a zone another stack manages. See docs/adopt.md.
//
//   npx pulumi-zmgr discover --ssh root@gz1 --host-key "ssh-ed25519 AAAA..." > index.ts   (in this project)
//   pulumi config set zmgr:host gz1; pulumi config set zmgr:hostKey "ssh-ed25519 AAAA..."; ...  (as its header says)
//   pulumi up                            # adopts: each zone must match these inputs; nothing on the host changes
//   pulumi preview --expect-no-changes   # clean from here on
import * as zmgr from "pulumi-zmgr";

// Registry entries the zones use, adopted as they are (the files must hold these settings).
const omniosPublisher = new zmgr.Publisher("omnios", { origins: ["https://pkg.omnios.org/r151054/core/"], adopt: true });
const lanPool = new zmgr.Pool("lan", {
  network: "10.0.0.0/24",
  gateway: "10.0.0.1",
  stub: "zstub0",
  rangeStart: "10.0.0.10",
  rangeEnd: "10.0.0.200",
  adopt: true,
});
const lipkgTemplate = new zmgr.Template("lipkg", {
  brand: "lipkg",
  autoboot: true,
  pool: lanPool.name,
  zonepathPrefix: "/zones",
  publishers: [omniosPublisher.name],
  adopt: true,
});

// The zones, with everything they have that a Zone manages: `up` fails listing any difference (changing nothing).
const webZone = new zmgr.Zone("web", {
  template: lipkgTemplate,
  pool: lanPool.name,
  address: "10.0.0.50/24",
  vnic: "web0",
  brand: "lipkg",
  zonepath: "/zones/web",
  autoboot: true,
  state: "running",
  cpuShares: 10,
  cappedMemory: "2G",
  resolvers: ["1.1.1.1", "9.9.9.9"],
  adopt: true,
});

// retainOnDelete: removing this zone from the program (or destroying the stack) only stops managing it.
const buildZone = new zmgr.Zone(
  "build",
  {
    template: lipkgTemplate,
    pool: lanPool.name,
    address: "10.0.0.51/24",
    vnic: "build0",
    brand: "lipkg",
    zonepath: "/zones/build",
    autoboot: false,
    state: "installed",
    adopt: true,
  },
  { retainOnDelete: true },
);

// A zone this stack only reads (another stack, or nobody, manages it): never changed or deleted from here.
const dbZone = zmgr.Zone.get("db-ref", "db");

export const addresses = { web: webZone.address, build: buildZone.address, db: dbZone.address };
