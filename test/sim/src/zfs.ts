// Entry point of the simulated zfs: compile cache on, then the simulator (see core/js-cache.ts).
import module from "node:module";

module.enableCompileCache?.();
const { loadMain } = await import("./core/js-cache.ts");
(await loadMain("zfs"))(process.argv.slice(2));
