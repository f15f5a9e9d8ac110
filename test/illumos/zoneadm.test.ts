import { hasCode, ZmgrError } from "../../provider/errors";
import type { RunOptions, RunResult } from "../../provider/transport/host";
import type { StreamingRunOptions } from "../../provider/transport/host";
import {
  bootZone,
  getZone,
  haltZone,
  installZone,
  listZones,
  parseZoneadmLine,
  parseZoneadmList,
  readyZone,
  rebootZone,
  shutdownZone,
  uninstallZone,
  verifyZone,
} from "../../provider/illumos/zoneadm";
import { FakeHost } from "./fake-host";

async function rejection(p: Promise<unknown>): Promise<ZmgrError> {
  try {
    await p;
  } catch (e) {
    if (ZmgrError.isInstance(e)) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("parseZoneadmLine (SPEC §2.2)", () => {
  test("the global zone", () => {
    expect(parseZoneadmLine("0:global:running:/::ipkg:shared:0")).toEqual({ id: 0, name: "global", state: "running", zonepath: "/", brand: "ipkg", ipType: "shared", debugId: 0 });
  });
  test("an installed zone: `-` id, uuid, excl → exclusive", () => {
    expect(parseZoneadmLine("-:clean-zone:installed:/zones/clean-zone:311a…7327:lipkg:excl:216")).toEqual({
      name: "clean-zone",
      state: "installed",
      zonepath: "/zones/clean-zone",
      uuid: "311a…7327",
      brand: "lipkg",
      ipType: "exclusive",
      debugId: 216,
    });
  });
  test("a configured zone: empty uuid", () => {
    expect(parseZoneadmLine("-:z1:configured:/zones/z1::lipkg:excl:3")).toEqual({ name: "z1", state: "configured", zonepath: "/zones/z1", brand: "lipkg", ipType: "exclusive", debugId: 3 });
  });
  test("escaped colons and backslashes in the zonepath", () => {
    const e = parseZoneadmLine("7:w:running:/zones/a\\:b\\\\c:0e8b7d5c-1111-2222-3333-444455556666:sparse:excl:9");
    expect(e.zonepath).toBe("/zones/a:b\\c");
    expect(e.id).toBe(7);
    expect(e.uuid).toBe("0e8b7d5c-1111-2222-3333-444455556666");
  });
  test("older releases: 7 fields, no debug id; an empty debug id", () => {
    expect(parseZoneadmLine("-:z:installed:/z:u:ipkg:shared").debugId).toBeUndefined();
    expect(parseZoneadmLine("-:z:installed:/z:u:ipkg:shared:").debugId).toBeUndefined();
  });
  test.each(["shutting_down", "down", "mounted", "ready", "incomplete"])("state %s", (s) => {
    expect(parseZoneadmLine(`3:z:${s}:/z::ipkg:shared:1`).state).toBe(s);
  });
  test.each([
    ["too few fields", "-:z:installed:/z"],
    ["an unknown state", "-:z:unavailable:/z::ipkg:shared:1"],
    ["a bad id", "x:z:running:/z::ipkg:shared:1"],
    ["a bad ip-type", "-:z:installed:/z::ipkg:both:1"],
  ])("refuses %s", (_w, line) => {
    expect(() => parseZoneadmLine(line)).toThrow(/cannot read a `zoneadm list -p` line/);
  });
  test("a whole listing, blank lines ignored, order kept", () => {
    const text = "0:global:running:/::ipkg:shared:0\n1:b:running:/zones/b:u1:lipkg:excl:5\n-:a:installed:/zones/a:u2:lipkg:excl:4\n\n";
    expect(parseZoneadmList(text).map((z) => z.name)).toEqual(["global", "b", "a"]);
  });
});

describe("zoneadm wrappers", () => {
  const listing = "0:global:running:/::ipkg:shared:0\n-:web:installed:/zones/web:u:lipkg:excl:1\n";

  test("listZones runs `zoneadm list -cp`, drops the global zone unless asked", async () => {
    const host = new FakeHost(() => ({ stdout: listing }));
    expect((await listZones(host)).map((z) => z.name)).toEqual(["web"]);
    expect((await listZones(host, { includeGlobal: true })).map((z) => z.name)).toEqual(["global", "web"]);
    expect(host.calls[0]!.argv).toEqual(["zoneadm", "list", "-cp"]);
  });

  test("getZone: the entry, or null for `No such zone configured`", async () => {
    const host = new FakeHost((argv) =>
      argv[2] === "web" ? { stdout: "-:web:installed:/zones/web:u:lipkg:excl:1\n" } : { stderr: `zoneadm: ${argv[2]}: No such zone configured\n`, exitCode: 1 },
    );
    expect((await getZone(host, "web"))!.state).toBe("installed");
    expect(await getZone(host, "nope")).toBeNull();
    expect(host.calls.map((c) => c.argv)).toEqual([
      ["zoneadm", "-z", "web", "list", "-p"],
      ["zoneadm", "-z", "nope", "list", "-p"],
    ]);
  });

  test("names are validated before anything runs", async () => {
    const host = new FakeHost();
    expect((await rejection(getZone(host, "-rf"))).code).toBe("zmgr::input::zone-name");
    expect((await rejection(bootZone(host, "a b"))).code).toBe("zmgr::input::zone-name");
    expect(host.calls).toEqual([]);
  });

  test("lifecycle argv", async () => {
    const host = new FakeHost();
    await bootZone(host, "web");
    await bootZone(host, "web", { bootArgs: ["-m", "verbose"] });
    await haltZone(host, "web");
    await shutdownZone(host, "web");
    await shutdownZone(host, "web", { reboot: true });
    await rebootZone(host, "web");
    await readyZone(host, "web");
    await verifyZone(host, "web");
    expect(await uninstallZone(host, "web")).toBe(true);
    expect(host.calls.map((c) => c.argv.slice(3))).toEqual([
      ["boot"],
      ["boot", "--", "-m", "verbose"],
      ["halt"],
      ["shutdown"],
      ["shutdown", "-r"],
      ["reboot"],
      ["ready"],
      ["verify"],
      ["uninstall", "-F"],
    ]);
  });

  test("uninstall of a zone that is only configured is a no-op", async () => {
    const host = new FakeHost(() => ({ stderr: "zoneadm: zone 'web': is already in state 'configured'.\n", exitCode: 1 }));
    expect(await uninstallZone(host, "web")).toBe(false);
  });

  test.each([
    ["zoneadm: zone 'web': must be installed before boot.", "zmgr::zone::not-installed"],
    ["zoneadm: zone 'web': zone is incomplete; uninstall required.", "zmgr::zone::incomplete"],
    ["zoneadm: zone 'web': install operation is invalid for running zones.", "zmgr::zone::bad-state"],
    ["zoneadm: zone 'web': another zoneadm may have an operation in progress.", "zmgr::zone::busy"],
    ["zoneadm: zone 'web': not running", "zmgr::zone::not-running"],
    ["zoneadm: web: No such zone configured", "zmgr::zone::not-found"],
    ["could not verify fs /data: could not access /tank/data\nzoneadm: zone web failed to verify", "zmgr::zone::verify-failed"],
    ["something new", "zmgr::host::command-failed"],
  ])("error %j → %s, with command and stderr", async (stderr, code) => {
    const host = new FakeHost(() => ({ stderr: stderr + "\n", exitCode: 1 }));
    const e = await rejection(bootZone(host, "web"));
    expect(e.code).toBe(code);
    expect(e.details.command).toBe("zoneadm -z web boot");
    expect(e.details.stderr).toBe(stderr + "\n");
    expect(e.details.exitCode).toBe(1);
    expect(e.help).toBeTruthy();
  });

  test("install: long timeout, brand args, output lines at the end on a host that cannot stream", async () => {
    const host = new FakeHost(() => ({ stdout: "A ZFS file system has been created for this zone.\n\n       Image: Preparing at /zones/web/root.\n        Done: Installation completed in 71.886 seconds.\n" }));
    const lines: string[] = [];
    const result = await installZone(host, "web", { brandArgs: ["-e", "ooce/x"], onOutput: (l) => lines.push(l) });
    expect(host.calls[0]!.argv).toEqual(["zoneadm", "-z", "web", "install", "-e", "ooce/x"]);
    expect(host.calls[0]!.options.timeoutMs).toBe(3_600_000);
    expect(lines).toEqual(["A ZFS file system has been created for this zone.", "", "       Image: Preparing at /zones/web/root.", "        Done: Installation completed in 71.886 seconds."]);
    expect(result.stdout).toMatch(/Installation completed/);
  });

  test("install: lines as they come on a streaming host, split across chunks", async () => {
    const seen: string[] = [];
    const host = Object.assign(new FakeHost(), {
      async runStreaming(argv: readonly string[], options: StreamingRunOptions): Promise<RunResult> {
        options.onStdout!("Image: Prep");
        seen.push("chunk1");
        options.onStdout!("aring\nSanity Check: ok\nDo");
        options.onStderr!("warn\n");
        options.onStdout!("ne");
        void argv;
        return { stdout: "Image: Preparing\nSanity Check: ok\nDone", stderr: "warn\n", exitCode: 0 };
      },
    });
    const lines: [string, string][] = [];
    await installZone(host, "web", { onOutput: (l, s) => lines.push([l, s]) });
    expect(lines).toEqual([
      ["Image: Preparing", "stdout"],
      ["Sanity Check: ok", "stdout"],
      ["warn", "stderr"],
      ["Done", "stdout"],
    ]);
    expect(host.calls).toEqual([]); // run() was not used
    expect(seen).toEqual(["chunk1"]);
  });

  test("install failure from the brand script", async () => {
    const host = new FakeHost((_a: readonly string[], _o: RunOptions) => ({ stdout: "ERROR: the zonepath must be a ZFS dataset.\n", exitCode: 1 }));
    const e = await rejection(installZone(host, "web"));
    expect(hasCode(e, "zmgr::zone::brand-failed")).toBe(true);
    expect(e.message).toMatch(/ERROR: the zonepath must be a ZFS dataset/);
  });
});
