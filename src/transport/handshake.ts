import { connect as connectTcp, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import ssh2 from "ssh2";
import type { Client as SshClient } from "ssh2";
import { ConnectError } from "../errors.js";
import { describeHost, knownHostsFileOf, verifyHostKey } from "./host-key-check.js";
import { pausableTimer } from "./pausable-timer.js";
import { assembleAuth } from "./ssh-auth.js";
import type { SshAuth } from "./ssh-auth.js";
import type { ResolvedSpec } from "./ssh-config.js";
import { t } from "../i18n/t.js";

// ssh2 is CommonJS and exposes its API as one object.
const { Client } = ssh2;

type SshError = Error & { level?: string; code?: string };

function describeFailure(spec: ResolvedSpec, auth: SshAuth, error: SshError): string {
  const host = describeHost(spec);
  switch (error.code) {
    case "ECONNREFUSED":
      return t("ssh.refused", { host });
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return t("ssh.dns", { host, address: spec.address, code: error.code });
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return t("ssh.noRoute", { host, code: error.code });
    case "ECONNRESET":
      return t("ssh.reset", { host });
  }
  if (error.level === "client-timeout") return t("ssh.timeout", { host, ms: spec.connectTimeoutMs });
  if (error.level === "client-authentication") return auth.refused();
  return `${host}: ${error.message.replace(/\s+/g, " ")}`;
}

/**
 * ssh2 writes each packet on its own; with Nagle off each would be a syscall of its own. Corking until the
 * end of the tick sends what one tick wrote in one writev, with no added latency.
 */
function coalesceWrites(sock: Socket): void {
  const write = sock.write.bind(sock) as (...args: unknown[]) => boolean;
  sock.write = (...args: unknown[]): boolean => {
    if (sock.writableCorked === 0) {
      sock.cork();
      process.nextTick(() => sock.uncork());
    }
    return write(...args);
  };
}

/** A TCP connection to the spec's address, as the first leg of an SSH connection. */
export function openTcp(spec: ResolvedSpec): Promise<Duplex> {
  const sock = connectTcp({ host: spec.address, port: spec.port });
  // ssh2 leaves Nagle on, which costs ~40 ms per exchange against OpenSSH.
  sock.setNoDelay(true);
  coalesceWrites(sock);
  return Promise.resolve(sock);
}

type GlobalRequestHandler = (protocol: unknown, name: string, wantReply: boolean, data: unknown) => void;

/**
 * After authentication OpenSSH announces all its host keys (hostkeys-00@openssh.com, for UpdateHostKeys), and ssh2
 * answers by asking the server to prove each one: a signature per key on the server and a verification per key here,
 * on every connection. bkplay never records rotated keys (as OpenSSH with UpdateHostKeys=no), so the notice, which
 * wants no reply, is dropped. ssh2 offers no option for this; its message handlers are reached by name.
 */
function ignoreHostKeyNotices(client: SshClient): void {
  const handlers = (client as unknown as { _protocol?: { _handlers?: Record<string, GlobalRequestHandler | undefined> } })._protocol?._handlers;
  const original = handlers?.GLOBAL_REQUEST;
  if (handlers === undefined || original === undefined) return;
  handlers.GLOBAL_REQUEST = (protocol, name, wantReply, data) => {
    if (name !== "hostkeys-00@openssh.com" || wantReply) original(protocol, name, wantReply, data);
  };
}

/**
 * SSH over the stream `open` gives (opened once the credentials are ready, so ssh2 hears all its errors): the host
 * key checked by `spec.hostKeyPolicy`, credentials from assembleAuth, all within the connect timeout (which waits
 * while the operator types a secret). Every failure is a one-line ConnectError.
 */
export async function handshake(spec: ResolvedSpec, open: (spec: ResolvedSpec) => Promise<Duplex>): Promise<SshClient> {
  const auth = await assembleAuth(spec);
  const sock = await open(spec);
  const client = new Client();
  let refusal: string | null = null;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    // Stays attached: ssh2 may emit a second error (e.g. on socket close) after the first failure.
    const fail = (error: SshError): void => {
      // An unusable agent is one method less, not a failed connection: ssh2 goes on to the next.
      if (settled || error.level === "agent") return;
      settled = true;
      timer.stop();
      sock.destroy();
      reject(new ConnectError(spec.name, refusal ?? describeFailure(spec, auth, error), { cause: error }));
    };
    const timer = pausableTimer(spec.connectTimeoutMs, () => { fail(Object.assign(new Error("timed out"), { level: "client-timeout" })); });
    client.on("error", fail).once("ready", () => {
      settled = true;
      timer.stop();
      resolve();
    });
    const hostVerifier = (key: Buffer, verify: (valid: boolean) => void): void => {
      verifyHostKey(spec, key).then(
        (reason) => {
          refusal = reason;
          verify(reason === null);
        },
        (error: unknown) => {
          refusal = t("ssh.knownHostsUnreadable", { host: describeHost(spec), file: knownHostsFileOf(spec), reason: (error as Error).message });
          verify(false);
        },
      );
    };
    try {
      client.connect({ username: spec.user, sock, readyTimeout: 0, keepaliveInterval: 15000, hostVerifier, authHandler: auth.handler(timer.hold) });
      ignoreHostKeyNotices(client);
    } catch (error) {
      fail(error as SshError);
    }
  });
  return client;
}
