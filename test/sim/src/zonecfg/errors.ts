// libzonecfg error codes and zonecfg_strerror() texts.

/** zonecfg_strerror() for the codes the simulator produces. */
export const ZERR = {
  OK: "OK",
  BAD_PROPERTY: "Bad document property",
  NO_ENTRY: "No such entry",
  BOGUS_ZONE_NAME: "Bogus zone name",
  REQD_RESOURCE_MISSING: "Required resource missing",
  REQD_PROPERTY_MISSING: "Required property missing",
  INVAL: "Invalid argument",
  TOO_BIG: "Argument list too long",
  NO_ZONE: "No such zone configured",
  NO_RESOURCE_TYPE: "No such resource type",
  NO_RESOURCE_ID: "No such resource with that id",
  NO_PROPERTY_TYPE: "No such property type",
  NO_PROPERTY_ID: "No such property with that id",
  BAD_ZONE_STATE: "Zone state is invalid for the requested operation",
  INVALID_DOCUMENT: "Invalid document",
  NAME_IN_USE: "Zone name already in use",
  INSUFFICIENT_SPEC: "Insufficient specification",
  INCOMPATIBLE: "Incompatible settings",
  ALIAS_DISALLOW: "An incompatible rctl already exists for this property",
  CLEAR_DISALLOW: "Clearing this property is not allowed",
  INVALID_PROPERTY: "Specified property is invalid",
} as const;

/** A libzonecfg error code. */
export type ZErr = keyof typeof ZERR;
