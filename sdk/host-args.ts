// Where a resource lives: an illumos global zone over SSH, or this machine.

import type * as pulumi from "@pulumi/pulumi";

/**
 * The host a resource lives on. Give `ssh` or `local: true`; leave `host` out entirely to use the
 * stack configuration (`zmgr:host`, `zmgr:user`, `zmgr:privateKey`, ...). See docs/host.md.
 * Credentials are stored as secrets in the state, whether or not they were given as secrets.
 */
export interface HostArgs {
  /** Reach the host over SSH. */
  readonly ssh?: pulumi.Input<SshArgs>;
  /** Run on this machine: the Pulumi program runs in the global zone of the illumos host. */
  readonly local?: pulumi.Input<boolean>;
  /** How a non-root login gains root: `pfexec` (RBAC) or `sudo` (`sudo -n`). Default `none` (the login is root). */
  readonly privilege?: pulumi.Input<"none" | "pfexec" | "sudo">;
  /** The zmgr registry directory on the host. Default `/etc/zmgr`. */
  readonly registryRoot?: pulumi.Input<string>;
  /** Seconds any single command may take before it is killed (default 600). `zoneadm install` has its own timeout on Zone. */
  readonly commandTimeoutSeconds?: pulumi.Input<number>;
}

/** SSH connection settings. Host key verification is always on: pin `hostKey` or keep the host in known_hosts. */
export interface SshArgs {
  /** Host name or address of the global zone. */
  readonly host: pulumi.Input<string>;
  /** Port (default 22). */
  readonly port?: pulumi.Input<number>;
  /** Login name (default `root`). */
  readonly user?: pulumi.Input<string>;
  /** Private key, OpenSSH or PEM text (not a path). Use a secret: `config.requireSecret("key")`. */
  readonly privateKey?: pulumi.Input<string>;
  /** Path of a private key file on the machine running Pulumi, read at connect time (keeps the key out of the state). */
  readonly privateKeyPath?: pulumi.Input<string>;
  /** Passphrase of `privateKey`. */
  readonly passphrase?: pulumi.Input<string>;
  /** Password authentication. */
  readonly password?: pulumi.Input<string>;
  /** ssh-agent socket path; default `$SSH_AUTH_SOCK` when set. */
  readonly agentSocket?: pulumi.Input<string>;
  /** The host's public key as an OpenSSH line (`ssh-ed25519 AAAA...`) or a `SHA256:...` fingerprint. */
  readonly hostKey?: pulumi.Input<string>;
  /** known_hosts file used when `hostKey` is not given (default `~/.ssh/known_hosts`). */
  readonly knownHostsPath?: pulumi.Input<string>;
  /** A bastion to reach `host` through. */
  readonly jump?: pulumi.Input<SshArgs>;
  /** Seconds to wait for the TCP connection, handshake and login, per attempt (default 15). */
  readonly connectTimeoutSeconds?: pulumi.Input<number>;
}
