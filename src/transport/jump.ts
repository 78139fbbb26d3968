import type { Duplex } from "node:stream";
import type { Client as SshClient } from "ssh2";
import { ConnectError } from "../errors.js";
import { handshake, openTcp } from "./handshake.js";
import { describeHost } from "./host-key-check.js";
import { resolveSpec, type ResolvedSpec } from "./ssh-config.js";
import type { ConfigurableField, ConnectSpec } from "./types.js";
import { t } from "../i18n/t.js";

/** One hop of a ProxyJump chain as written: `[user@]host[:port]`. */
export interface Hop {
  written: string;
  user?: string;
  host: string;
  port?: number;
}

const HOP = /^(?:ssh:\/\/)?(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s]+)(?::(\d+))?$/;

/** Parses an OpenSSH ProxyJump value; `none` (or nothing) means no jump host. */
export function parseJump(spec: ConnectSpec): Hop[] {
  if (spec.jump === undefined || spec.jump === "none") return [];
  return spec.jump.split(",").map((written) => {
    const match = HOP.exec(written.trim());
    const port = match?.[3] === undefined ? undefined : Number(match[3]);
    if (match?.[2] === undefined || (port !== undefined && (port < 1 || port > 65535))) {
      throw new ConnectError(spec.name, t("ssh.badJump", { host: describeHost(spec), jump: written }));
    }
    return { written: written.trim(), host: match[2].replace(/^\[(.*)\]$/, "$1"), ...(match[1] === undefined ? {} : { user: match[1] }), ...(port === undefined ? {} : { port }) };
  });
}

/**
 * The connection to a jump host: its own user and port when written, else as ssh_config says for that name, else
 * the target's user and port 22; the target's key files, secrets, known_hosts, host key policy and timeout.
 */
function hopSpec(target: ConnectSpec, hop: Hop): ConnectSpec {
  const defaulted: ConfigurableField[] = ["address", ...(hop.user === undefined ? ["user" as const] : []), ...(hop.port === undefined ? ["port" as const] : [])];
  const { identityFile, knownHosts, passphraseEnv, passwordEnv, sshConfig } = target;
  return {
    name: `jump host ${hop.host}`, address: hop.host, port: hop.port ?? 22, user: hop.user ?? target.user, hostKeyPolicy: target.hostKeyPolicy,
    connection: "ssh", connectTimeoutMs: target.connectTimeoutMs, jump: "none", defaulted,
    ...(identityFile === undefined ? {} : { identityFile }), ...(knownHosts === undefined ? {} : { knownHosts }), ...(passphraseEnv === undefined ? {} : { passphraseEnv }),
    ...(passwordEnv === undefined ? {} : { passwordEnv }), ...(sshConfig === undefined ? {} : { sshConfig }),
  };
}

/** A jump host's live connection, with the spec it was made by (for messages). */
export interface Bastion {
  client: SshClient;
  spec: ResolvedSpec;
}

/** A share in a jump host's connection; the connection ends when its last share is released. */
export interface Lease {
  bastion: Promise<Bastion>;
  release: () => void;
}

interface Shared {
  bastion: Promise<Bastion>;
  users: number;
  parent: Lease | null;
}

const shared = new Map<string, Shared>();

/** A channel from `via` to `to`'s address and port: the stream the next SSH connection runs over. */
export function forwardTo(via: Bastion, to: ResolvedSpec): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const refuse = (reason: string): void => {
      reject(new ConnectError(to.name, t("ssh.jumpCannotReach", { host: describeHost(via.spec), address: to.address, port: to.port, reason })));
    };
    const timer = setTimeout(() => { refuse(t("ssh.jumpNoAnswer", { ms: to.connectTimeoutMs })); }, to.connectTimeoutMs);
    via.client.forwardOut("127.0.0.1", 0, to.address, to.port, (error, channel) => {
      clearTimeout(timer);
      if (error) refuse(error.message.replace(/^\(SSH\) (Channel open failure: )?/, ""));
      else resolve(channel);
    });
  });
}

/**
 * A share in the connection to the last of `hops` (reached through the ones before it). Every host behind the same
 * chain shares one connection per jump host, opened by the first and ended after the last is done.
 */
export function leaseBastion(target: ConnectSpec, hops: readonly Hop[]): Lease {
  const hop = hops.at(-1);
  if (hop === undefined) throw new Error("leaseBastion needs at least one hop");
  const spec = hopSpec(target, hop);
  const key = hops.map((h) => `${h.user ?? target.user}@${h.host}:${h.port ?? ""}`).join(",");
  let entry = shared.get(key);
  if (entry === undefined) {
    const parent = hops.length > 1 ? leaseBastion(target, hops.slice(0, -1)) : null;
    const bastion = (async (): Promise<Bastion> => {
      const resolved = await resolveSpec(spec);
      const open = parent === null ? openTcp : async (to: ResolvedSpec): Promise<Duplex> => forwardTo(await parent.bastion, to);
      return { client: await handshake(resolved, open), spec: resolved };
    })();
    const created: Shared = { bastion, users: 0, parent };
    const forget = (): void => {
      if (shared.get(key) === created) shared.delete(key);
    };
    // A failed or lost jump host is tried afresh by the next host that needs it.
    bastion.then(({ client }) => client.once("close", forget), forget);
    shared.set(key, created);
    entry = created;
  }
  const share = entry;
  share.users++;
  let released = false;
  return {
    bastion: share.bastion,
    release: () => {
      if (released) return;
      released = true;
      if (--share.users > 0) return;
      if (shared.get(key) === share) shared.delete(key);
      share.bastion.then(({ client }) => client.end(), () => undefined);
      share.parent?.release();
    },
  };
}
