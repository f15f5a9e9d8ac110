// The reliability test program: N zones from a template already in the host's registry.
//
// Stack config: `zones` (count), `prefix` (zone names PREFIX0, PREFIX1, ...), `template` (registry template name),
// `hostInput` (true: pass `host` as a resource input built from the `ssh*` keys, secrets included, instead of
// relying on the zmgr:* stack config).
import * as pulumi from "@pulumi/pulumi";
import * as zmgr from "pulumi-zmgr";

const config = new pulumi.Config();
const count = config.getNumber("zones") ?? 1;
const prefix = config.get("prefix") ?? "r";
const template = config.get("template") ?? "ipkg";

function hostInput(): pulumi.Input<zmgr.HostArgs> | undefined {
  if (!config.getBoolean("hostInput")) return undefined;
  return {
    ssh: {
      host: config.require("sshHost"),
      port: config.requireNumber("sshPort"),
      user: config.require("sshUser"),
      privateKey: config.getSecret("sshKey"),
      passphrase: config.getSecret("sshPassphrase"),
      password: config.getSecret("sshPassword"),
      hostKey: config.require("sshHostKey"),
    },
    registryRoot: config.require("registryRoot"),
  };
}

const host = hostInput();
const zones = Array.from({ length: count }, (_, i) => new zmgr.Zone(`${prefix}${i}`, { host, template }));

export const names = zones.map((z) => z.name);
export const addresses = zones.map((z) => z.address);
