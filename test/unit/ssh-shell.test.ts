// The shell session's pure parts: which commands fit one, and how the session's exit status reads.

import { exitStatus, fitsShellSession } from "../../provider/transport/ssh-shell";

test.each([
  [["zoneadm", "list", "-p"], undefined, true],
  [["/bin/sh", "-c", "exit 3"], undefined, true],
  [["zonecfg", "-z", "a", "-f", "-"], "create\ncommit\n", true],
  [["cat"], "", true],
  [["cd", "/"], undefined, false],
  [["exec", "ls"], undefined, false],
  [[], undefined, false],
  [["cat"], "no final newline", false],
  [["cat"], Buffer.from([104, 0, 10]), false],
  [["cat"], "x".repeat(64 * 1024) + "\n", false],
])("fitsShellSession(%j, %j) is %s", (argv, stdin, fits) => {
  expect(fitsShellSession(argv, stdin)).toBe(fits);
});

test("exit statuses read as a parent process sees them: ksh93's 256 + N for death by signal N becomes 128 + N", () => {
  expect([exitStatus("0"), exitStatus("3"), exitStatus("127"), exitStatus("143"), exitStatus("265"), exitStatus("271"), exitStatus("x")]).toEqual([0, 3, 127, 143, 137, 143, 255]);
});
