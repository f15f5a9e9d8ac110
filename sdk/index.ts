// pulumi-zmgr: Pulumi resources for illumos zones, address pools, templates and IPS publishers.

export type { HostArgs, SshArgs } from "./host-args";
export { Pool, type PoolArgs, type PoolFamilyArgs } from "./pool";
export { Publisher, type PublisherArgs } from "./publisher";
export { Template, type TemplateArgs, type TemplateSpecOutput } from "./template";
export { Zone, type ZoneArgs, type ZoneFsArgs, type ZoneMemoryCapsArgs, type ZoneTimeoutsArgs } from "./zone";
