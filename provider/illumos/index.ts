// The illumos command layer: names, the zone configuration model, zonecfg, zoneadm, dladm, pkg and zlogin.

export * from "./names";
export * from "./units";
export * from "./zone-config";
export * from "./zone-config-check";
export * from "./zonecfg-resources";
export * from "./zonecfg-syntax";
export * from "./zonecfg-script";
export * from "./zonecfg-parse";
export * from "./zonecfg";
export * from "./parsable";
export * from "./command-error";
export * from "./zoneadm";
export * from "./dladm";
export * from "./pkg";
export * from "./zlogin";
