// A read-only reference to a zone this stack does not manage (`Zone.get`, the engine's read path):
// read at every update, never changed or deleted. The stack's host (zmgr:* config) is the zone's host.
import * as pulumi from "@pulumi/pulumi";
import * as zmgr from "pulumi-zmgr";

const config = new pulumi.Config();
const zone = config.require("zone");

const ref = zmgr.Zone.get(`${zone}-ref`, zone);

export const address = ref.address;
export const state = ref.state;
export const brand = ref.brand;
export const vnic = ref.vnic;
