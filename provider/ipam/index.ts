// IPAM: address parsing, pool validation, allocation, overlap checks, and claims recorded in zone files.

export * from "./address";
export * from "./allocate";
export * from "./claim";
export * from "./holdings";
export * from "./intervals";
export * from "./overlap";
export * from "./pool-plan";
export * from "./pool-store";
