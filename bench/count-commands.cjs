// Preloaded into the pulumi-zmgr plugin by the benchmark (NODE_OPTIONS=--require): appends one line per remote command
// its SshHost runs (an exec session or a command written to a shell session) to $ZMGR_BENCH_COMMANDS_FILE.
// Commands in a shell session leave no trace in the sshd log, so this is how the CLI runs count round trips.
"use strict";
const { appendFileSync } = require("node:fs");
const Module = require("node:module");

const file = process.env.ZMGR_BENCH_COMMANDS_FILE;
if (file) {
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const exports = load.apply(this, arguments);
    const proto = exports && exports.SshHost && exports.SshHost.prototype;
    if (proto && !proto.__zmgrBenchCounted && typeof proto.runStreaming === "function") {
      const original = proto.runStreaming; // SshHost.run delegates to it: one line per command
      proto.runStreaming = function (argv, ...rest) {
        appendFileSync(file, `${String(argv[0]).replace(/\s/g, "_")}\n`);
        return original.call(this, argv, ...rest);
      };
      proto.__zmgrBenchCounted = true;
    }
    return exports;
  };
}
