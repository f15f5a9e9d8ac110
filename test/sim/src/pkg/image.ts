// IPS images: the publishers configured in an image, stored under <image root>/var/pkg/.

import { join } from "node:path";
import { readJson, writeJson } from "../core/fsutil.ts";

/** One configured publisher. */
export interface Publisher {
  name: string;
  origins: string[];
  mirrors: string[];
  sticky: boolean;
  enabled: boolean;
  /** Provided by the system repository (linked images). */
  syspub: boolean;
  proxy: string;
}

/** The publisher file of an image. */
export function publishersPath(imageRoot: string): string {
  return join(imageRoot, "var", "pkg", "sim-publishers.json");
}

/** True when an image exists at the root (its var/pkg directory holds our file). */
export function imageExists(imageRoot: string): boolean {
  return readJson<Publisher[] | undefined>(publishersPath(imageRoot), undefined) !== undefined;
}

/** The publishers of an image, in search order. */
export function readPublishers(imageRoot: string): Publisher[] {
  return readJson<Publisher[]>(publishersPath(imageRoot), []);
}

/** Replaces the publishers of an image. */
export function writePublishers(imageRoot: string, pubs: Publisher[]): void {
  writeJson(publishersPath(imageRoot), pubs);
}

/** pkg's URI normalisation: a trailing slash. */
export function normaliseUri(uri: string): string {
  return uri.endsWith("/") ? uri : uri + "/";
}
