import { ZmgrError } from "../../provider/errors";
import { zloginArgv, zloginChecked, zloginRun } from "../../provider/illumos/zlogin";
import { FakeHost } from "./fake-host";

test("the command reaches zlogin as one shell-quoted argument (zlogin hands it to the zone's shell)", () => {
  expect(zloginArgv("web", ["uname", "-a"])).toEqual(["zlogin", "-Q", "web", "uname -a"]);
  expect(zloginArgv("web", ["sh", "-c", "echo $HOME; rm -rf /"])).toEqual(["zlogin", "-Q", "web", "sh -c 'echo $HOME; rm -rf /'"]);
  expect(zloginArgv("web", ["printf", "%s", "it's"])).toEqual(["zlogin", "-Q", "web", "printf %s 'it'\\''s'"]);
  expect(() => zloginArgv("global", ["ls"])).toThrow(/reserved/);
});

test("the command's own exit code is a result; stdin and timeout pass through", async () => {
  const host = new FakeHost(() => ({ stdout: "x\n", exitCode: 3 }));
  const r = await zloginRun(host, "web", ["false"], { stdin: "in", timeoutMs: 5 });
  expect(r.exitCode).toBe(3);
  expect(host.calls[0]!.options).toEqual({ stdin: "in", timeoutMs: 5 });
  const e = (await zloginChecked(host, "web", ["false"]).catch((x: unknown) => x)) as ZmgrError;
  expect(e.code).toBe("zmgr::host::command-failed");
  expect(e.details.command).toBe("zlogin -Q web false");
});

test.each([
  ["zlogin: zone 'web' unknown", "zmgr::zone::not-found"],
  ["zlogin: login allowed only to running zones (web is 'installed').", "zmgr::zone::not-running"],
  ["zlogin: cannot login to a zone which is 'configured'", "zmgr::zone::not-running"],
])("zlogin's own failure %j → %s", async (stderr, code) => {
  const host = new FakeHost(() => ({ stderr: stderr + "\n", exitCode: 1 }));
  const e = (await zloginRun(host, "web", ["uname"]).catch((x: unknown) => x)) as ZmgrError;
  expect(e.code).toBe(code);
  expect(e.details.stderr).toBe(stderr + "\n");
});

test("a remote command that prints a zlogin-like line with another exit code is still a result", async () => {
  const host = new FakeHost(() => ({ stderr: "zlogin: zone 'x' unknown\n", exitCode: 2 }));
  expect((await zloginRun(host, "web", ["cat", "log"])).exitCode).toBe(2);
});
