// The dynamic providers' `configure`: the stack config supplies the default host.

import { configureDefaultHost } from "../operations/default-host";

/** What the engine passes to `configure` (pulumi.dynamic.ConfigureRequest). */
export interface ConfigureRequest {
  /** Stack configuration by full key, e.g. `zmgr:host`. */
  readonly config: { get(key: string): string | undefined };
}

/** Reads the default host from stack config (zmgr:host, zmgr:privateKey, ...). */
export async function configure(req: ConfigureRequest): Promise<void> {
  configureDefaultHost((key) => req.config.get(key));
}
