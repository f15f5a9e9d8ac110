import { ZmgrError } from "../../provider/errors";
import { listPublishers, parsePublisherTsv, setPublisher, setPublisherArgv, unsetPublisher } from "../../provider/illumos/pkg";
import { FakeHost } from "./fake-host";

describe("parsePublisherTsv (SPEC §5)", () => {
  test("the SPEC row", () => {
    expect(parsePublisherTsv("omnios\ttrue\tfalse\ttrue\torigin\tonline\thttps://pkg.omnios.org/r151046/core/\t-\n")).toEqual([
      { name: "omnios", sticky: true, syspub: false, enabled: true, origins: ["https://pkg.omnios.org/r151046/core/"], mirrors: [] },
    ]);
  });
  test("several origins and mirrors, a publisher with none, a system-repository publisher, a header", () => {
    const text = [
      "PUBLISHER\tSTICKY\tSYSPUB\tENABLED\tTYPE\tSTATUS\tURI\tPROXY",
      "omnios\ttrue\tfalse\ttrue\torigin\tonline\thttps://a.example/core/\t-",
      "omnios\ttrue\tfalse\ttrue\torigin\tonline\thttps://b.example/core/\t-",
      "omnios\ttrue\tfalse\ttrue\tmirror\tonline\thttps://m.example/core/\thttp://proxy:3128",
      "empty.pub\tfalse\tfalse\tfalse\t\t\t\t",
      "extra.omnios\tfalse\ttrue\ttrue\torigin\tonline\thttp://localhost:1008/extra.omnios/abc/\t-",
      "",
    ].join("\n");
    expect(parsePublisherTsv(text)).toEqual([
      { name: "omnios", sticky: true, syspub: false, enabled: true, origins: ["https://a.example/core/", "https://b.example/core/"], mirrors: ["https://m.example/core/"] },
      { name: "empty.pub", sticky: false, syspub: false, enabled: false, origins: [], mirrors: [] },
      { name: "extra.omnios", sticky: false, syspub: true, enabled: true, origins: ["http://localhost:1008/extra.omnios/abc/"], mirrors: [] },
    ]);
  });
  test.each([
    ["too few columns", "omnios\ttrue\tfalse\n"],
    ["a non-boolean", "omnios\tyes\tfalse\ttrue\torigin\tonline\thttps://a/\t-\n"],
    ["an unknown type", "omnios\ttrue\tfalse\ttrue\tsomething\tonline\thttps://a/\t-\n"],
  ])("refuses %s", (_w, text) => expect(() => parsePublisherTsv(text)).toThrow(/pkg publisher -F tsv/));
});

describe("pkg wrappers", () => {
  test("set-publisher argv on a zone image", () => {
    expect(setPublisherArgv({ name: "omnios", origins: ["https://pkg.omnios.org/r151046/core/"] }, "/zones/z1/root")).toEqual([
      "pkg",
      "-R",
      "/zones/z1/root",
      "set-publisher",
      "-g",
      "https://pkg.omnios.org/r151046/core/",
      "omnios",
    ]);
    expect(
      setPublisherArgv({ name: "extra.omnios", origins: ["https://a/", "https://b/"], mirrors: ["https://m/"], replace: true, searchFirst: true, sticky: false, noRefresh: true }),
    ).toEqual(["pkg", "set-publisher", "-G", "*", "-M", "*", "-g", "https://a/", "-g", "https://b/", "-m", "https://m/", "--search-first", "--non-sticky", "--no-refresh", "extra.omnios"]);
  });

  test("set-publisher refuses bad input before running", async () => {
    const host = new FakeHost();
    await expect(setPublisher(host, { name: "-x", origins: ["https://a/"] })).rejects.toThrow(/publisher name/);
    await expect(setPublisher(host, { name: "omnios", origins: [] })).rejects.toThrow(/at least one origin/);
    await expect(setPublisher(host, { name: "omnios", origins: ["https://a/ -g http://evil/"] })).rejects.toThrow(/URI/);
    await expect(setPublisher(host, { name: "omnios", origins: ["https://a/"] }, "zones/z1/root")).rejects.toThrow(/absolute/);
    expect(host.calls).toEqual([]);
  });

  test("set-publisher: exit 4 (nothing to do) is fine, errors carry the command", async () => {
    await setPublisher(new FakeHost(() => ({ exitCode: 4 })), { name: "omnios", origins: ["https://a/"] });
    const failing = new FakeHost(() => ({ stderr: "pkg set-publisher: Could not refresh the catalog for omnios\n", exitCode: 1 }));
    const e = (await setPublisher(failing, { name: "omnios", origins: ["https://a/"] }).catch((x: unknown) => x)) as ZmgrError;
    expect(e.code).toBe("zmgr::pkg::unreachable");
    expect(e.details.command).toBe("pkg set-publisher -g https://a/ omnios");
  });

  test("unset-publisher and listPublishers", async () => {
    const host = new FakeHost((argv) =>
      argv.includes("unset-publisher") ? { stderr: "pkg unset-publisher: Unknown publisher 'nope'\n", exitCode: 1 } : { stdout: "omnios\ttrue\tfalse\ttrue\torigin\tonline\thttps://a/\t-\n" },
    );
    expect(await unsetPublisher(host, "nope", "/zones/z1/root")).toBe(false);
    expect((await listPublishers(host, "/zones/z1/root"))[0]!.origins).toEqual(["https://a/"]);
    expect(host.calls.map((c) => c.argv)).toEqual([
      ["pkg", "-R", "/zones/z1/root", "unset-publisher", "nope"],
      ["pkg", "-R", "/zones/z1/root", "publisher", "-H", "-F", "tsv"],
    ]);
    expect(await unsetPublisher(new FakeHost(), "omnios")).toBe(true);
  });
});
