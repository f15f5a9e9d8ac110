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
  expect(host.calls[0]!.options.stdin).toBe('create -b\nset zonepath="/zones/web"\ncommit\n');
});

test("updateZoneConfig runs only when something differs, against the current name", async () => {
  const host = new FakeHost();
  expect(await updateZoneConfig(host, { zonename: "a", zonepath: "/z" }, { zonename: "a", zonepath: "/z" })).toBeNull();
  expect(host.calls).toEqual([]);
  expect(await updateZoneConfig(host, { zonename: "a", zonepath: "/z" }, { zonename: "b", zonepath: "/z" })).toBe("set zonename=b\ncommit\n");
  expect(host.calls[0]!.argv).toEqual(["zonecfg", "-z", "a", "-f", "-"]);
});

test("deleteZoneConfig: delete -F, false when already gone", async () => {
  const host = new FakeHost((argv) => (argv[2] === "gone" ? notFound(argv) : {}));
  expect(await deleteZoneConfig(host, "web")).toBe(true);
  expect(await deleteZoneConfig(host, "gone")).toBe(false);
  expect(host.calls[0]!.argv).toEqual(["zonecfg", "-z", "web", "delete", "-F"]);
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
  const script = "create -b\nset zonepath=\"/z\"\nset x=1\ncommit\n";
  const e = (await applyZonecfgScript(host, "web", script).catch((x: unknown) => x)) as ZmgrError;
  expect(e.code).toBe(code);
  expect(e.details.command).toBe("zonecfg -z web -f -");
  expect(e.details.stderr).toBe(stderr + "\n");
  expect(e.details.script).toBe(script);
  const m = /line (\d+)/.exec(stderr);
  if (m) expect(e.details.scriptLine).toBe(script.split("\n")[Number(m[1]) - 1]);
});

test("the verify error names the specific message, not just `failed to verify`", async () => {
  const host = new FakeHost(() => ({ stderr: "zonepath cannot be empty.\nZone web failed to verify\nweb: Required resource missing\n", exitCode: 1 }));
  const e = (await applyZonecfgScript(host, "web", "commit\n").catch((x: unknown) => x)) as ZmgrError;
  expect(e.message).toMatch(/zonepath cannot be empty\.$/);
});
