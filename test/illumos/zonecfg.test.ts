import { ZmgrError } from "../../provider/errors";
import {
  applyZonecfgScript,
  createZoneConfig,
  deleteZoneConfig,
  exportZoneConfig,
  readZoneConfig,
  updateZoneConfig,
} from "../../provider/illumos/zonecfg";
import { FakeHost } from "./fake-host";

const notFound = (argv: readonly string[]) => ({ stderr: `${argv[2]}: No such zone configured\n`, exitCode: 1 });

test("readZoneConfig / exportZoneConfig: parsed, or null for an unknown zone", async () => {
  const host = new FakeHost((argv) =>
    argv[2] !== "web" ? notFound(argv) : argv[3] === "info" ? { stdout: "zonename: web\nzonepath: /zones/web\nautoboot: false\n" } : { stdout: "create -b\nset zonepath=/zones/web\n" },
  );
  expect(await readZoneConfig(host, "web")).toEqual({ zonename: "web", zonepath: "/zones/web", autoboot: false });
  expect(await exportZoneConfig(host, "web")).toEqual({ zonename: "web", zonepath: "/zones/web" });
  expect(await readZoneConfig(host, "nope")).toBeNull();
  expect(await exportZoneConfig(host, "nope")).toBeNull();
  expect(host.calls.map((c) => c.argv)).toEqual([
    ["zonecfg", "-z", "web", "info"],
    ["zonecfg", "-z", "web", "export"],
    ["zonecfg", "-z", "nope", "info"],
    ["zonecfg", "-z", "nope", "export"],
  ]);
});

test("createZoneConfig sends the whole script on stdin to `zonecfg -z NAME -f -`", async () => {
  const host = new FakeHost();
  await createZoneConfig(host, { zonename: "web", zonepath: "/zones/web" });
  expect(host.calls[0]!.argv).toEqual(["zonecfg", "-z", "web", "-f", "-"]);
  expect(host.calls[0]!.options.stdin).toBe('create -b\nset zonepath="/zones/web"\n');
});

test("updateZoneConfig runs only when something differs, against the current name", async () => {
  const host = new FakeHost();
  expect(await updateZoneConfig(host, { zonename: "a", zonepath: "/z" }, { zonename: "a", zonepath: "/z" })).toBeNull();
  expect(host.calls).toEqual([]);
  expect(await updateZoneConfig(host, { zonename: "a", zonepath: "/z" }, { zonename: "b", zonepath: "/z" })).toBe("set zonename=b\n");
  expect(host.calls[0]!.argv).toEqual(["zonecfg", "-z", "a", "-f", "-"]);
});

test("deleteZoneConfig: delete -F, false when already gone", async () => {
  const host = new FakeHost((argv) => (argv[2] === "gone" ? notFound(argv) : {}));
  expect(await deleteZoneConfig(host, "web")).toBe(true);
  expect(await deleteZoneConfig(host, "gone")).toBe(false);
  expect(host.calls[0]!.argv).toEqual(["zonecfg", "-z", "web", "delete", "-F"]);
});

test("only the first of several errors decides the code (stdin scripts go on after an error)", async () => {
  const stderr = "On line 39:\nThe capped-cpu resource already exists.\nOn line 40:\nCannot set a resource-specific property from the global scope.\nOn line 42:\nThe end command only makes sense in the resource scope.\n";
  const host = new FakeHost(() => ({ stderr, exitCode: 1 }));
  const script = Array.from({ length: 42 }, (_, i) => `line ${i + 1}`).join("\n");
  const e = (await applyZonecfgScript(host, "web", script).catch((x: unknown) => x)) as ZmgrError;
  expect(e.code).toBe("zmgr::zonecfg::conflict");
  expect(e.message).toBe("zonecfg -z web -f - failed on fake: The capped-cpu resource already exists.");
  expect(e.details.scriptLine).toBe("line 39");
});

test("an error printed by a zonecfg that still exits 0 is a failure (zmgr::zonecfg::partial); advice is not", async () => {
  const bad = new FakeHost(() => ({ stderr: "On line 8:\nInvalid rctl value specification\n", exitCode: 0 }));
  const e = (await applyZonecfgScript(bad, "web", "x\n").catch((x: unknown) => x)) as ZmgrError;
  expect(e.code).toBe("zmgr::zonecfg::partial");
  expect(e.message).toMatch(/Invalid rctl value specification$/);
  const advice = new FakeHost(() => ({ stderr: "On line 3:\nWarning: prefix length in 10.0.0.1/24 is not required and will be ignored. The default host-prefix length will be used\n", exitCode: 0 }));
  await expect(applyZonecfgScript(advice, "web", "x\n")).resolves.toMatchObject({ exitCode: 0 });
});

test.each([
  ["web: No such zone configured", "zmgr::zone::not-found"],
  ["Zone web already installed; set zonepath not allowed.", "zmgr::zone::installed"],
  ["Zone exists, input not from terminal and -F not specified:\ncreate command ignored, exiting.", "zmgr::zone::exists"],
  ["On line 2 of -:\nzonepath cannot be empty.\nZone web failed to verify\nweb: Required resource missing", "zmgr::zonecfg::verify"],
  ["On line 3 of -:\nsyntax error on line 3 at '='", "zmgr::zonecfg::syntax"],
  ["On line 2 of -:\nautoboot value must be 'true' or 'false'.", "zmgr::zonecfg::invalid-value"],
  ["On line 2 of -:\nAn incompatible rctl already exists for this property", "zmgr::zonecfg::rctl-conflict"],
  ["web: Zone state is invalid for the requested operation", "zmgr::zone::bad-state"],
])("zonecfg error %j → %s, with the script line", async (stderr, code) => {
  const host = new FakeHost(() => ({ stderr: stderr + "\n", exitCode: 1 }));
  const script = "create -b\nset zonepath=\"/z\"\nset x=1\n";
  const e = (await applyZonecfgScript(host, "web", script).catch((x: unknown) => x)) as ZmgrError;
  expect(e.code).toBe(code);
  expect(e.details.command).toBe("zonecfg -z web -f -");
  expect(e.details.stderr).toBe(stderr + "\n");
  expect(e.details.script).toBe(script);
  const m = /line (\d+)/.exec(stderr);
  if (m) expect(e.details.scriptLine).toBe(script.split("\n")[Number(m[1]) - 1]);
});

test("the error quotes every line of zonecfg's first error, the specific message first", async () => {
  const host = new FakeHost(() => ({ stderr: "zonepath cannot be empty.\nZone web failed to verify\nweb: Required resource missing\n", exitCode: 1 }));
  const e = (await applyZonecfgScript(host, "web", "commit\n").catch((x: unknown) => x)) as ZmgrError;
  expect(e.message).toBe("zonecfg -z web -f - failed on fake: zonepath cannot be empty.; Zone web failed to verify; web: Required resource missing");
});
