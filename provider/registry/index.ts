// The host registry (/etc/zmgr): KDL schema and codec of the five file kinds, one-round-trip reads, atomic writes, the lock.

export * from "./codec";
export * from "./file-errors";
export * from "./kdl-edit";
export * from "./lock";
export * from "./models";
export * from "./paths";
export * from "./scan";
export * from "./schema";
export * from "./store";
export * from "./write";
export { posixCksum } from "./cksum";
