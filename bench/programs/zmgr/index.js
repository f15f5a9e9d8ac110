// Benchmark program, pulumi-zmgr side: one pool, one template, `zones` zones. The host comes from the zmgr:* stack config.
// Plain JavaScript on both sides of the benchmark, so neither pays for TypeScript compilation of the program.
"use strict";
const pulumi = require("@pulumi/pulumi");
const zmgr = require("pulumi-zmgr");

const config = new pulumi.Config();
const count = config.requireNumber("zones");

const lan = new zmgr.Pool("lan", { network: "10.0.0.0/16", gateway: "10.0.0.1", stub: "zstub0", rangeStart: "10.0.1.0", rangeEnd: "10.0.255.254" });
const base = new zmgr.Template("base", { brand: "lipkg", autoboot: true, pool: lan.name, zonepathPrefix: config.require("zonesDir") });
const zones = Array.from({ length: count }, (_, i) => new zmgr.Zone(`web${i}`, { template: base }));

exports.addresses = zones.map((z) => z.address);
