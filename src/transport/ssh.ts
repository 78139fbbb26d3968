import { connect as connectTcp } from "node:net";
import { performance } from "node:perf_hooks";
import ssh2 from "ssh2";
import type { Client as SshClient, ClientChannel } from "ssh2";
import { ConnectError } from "../errors.js";
import { exitCodeOf } from "./exit-code.js";
import { describeHost, knownHostsFileOf, verifyHostKey } from "./host-key-check.js";
import { assembleAuth } from "./ssh-auth.js";
import type { SshAuth } from "./ssh-auth.js";
import type { ConnectSpec, ExecOptions, ExecResult, Transport } from "./types.js";

// ssh2 is CommonJS and exposes its API as one object.
const { Client } = ssh2;

type SshError = Error & { level?: string; code?: string };

function describeFailure(spec: ConnectSpec, auth: SshAuth, error: SshError): string {
  const host = describeHost(spec);
  switch (error.code) {
    case "ECONNREFUSED":
      return `${host}: connection refused`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `${host}: cannot resolve ${spec.address} (DNS ${error.code})`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${host}: no route to host (${error.code})`;
    case "ECONNRESET":
      return `${host}: connection reset during handshake`;
  }
  if (error.level === "client-timeout") return `${host}: timed out after ${spec.connectTimeoutMs} ms`;
  if (error.level === "client-authentication") {
    return `${host}: authentication failed for user ${spec.user} (tried ${auth.tried.join(", ")})`;
  }
  return `${host}: ${error.message.replace(/\s+/g, " ")}`;
}

/** Opens an SSH connection, checking the host key by `spec.hostKeyPolicy`; every failure is a ConnectError. */
export async function connectSsh(spec: ConnectSpec): Promise<Transport> {
  const auth = await assembleAuth(spec);
  const client = new Client();
  const sock = connectTcp({ host: spec.address, port: spec.port });
  // ssh2 leaves Nagle on, which costs ~40 ms per exchange against OpenSSH.
  sock.setNoDelay(true);
  let refusal: string | null = null;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    // Stays attached: ssh2 may emit a second error (e.g. on socket close) after the first failure.
    const fail = (error: SshError): void => {
      if (settled) return;
      settled = true;
      sock.destroy();
      reject(new ConnectError(spec.name, refusal ?? describeFailure(spec, auth, error), { cause: error }));
    };
    client.on("error", fail).once("ready", () => {
      settled = true;
      resolve();
    });
    const hostVerifier = (key: Buffer, verify: (valid: boolean) => void): void => {
      verifyHostKey(spec, key).then(
        (reason) => {
          refusal = reason;
          verify(reason === null);
        },
        (error: unknown) => {
          refusal = `${describeHost(spec)}: cannot check host key against ${knownHostsFileOf(spec)}: ${(error as Error).message}`;
          verify(false);
        },
      );
    };
    try {
      client.connect({ ...auth.config, sock, readyTimeout: spec.connectTimeoutMs, keepaliveInterval: 15000, hostVerifier });
    } catch (error) {
      fail(error as SshError);
    }
  });
  return wrapClient(spec, client);
}

function wrapClient(spec: ConnectSpec, client: SshClient): Transport {
  const pending = new Set<(error: ConnectError) => void>();
  let lost: ConnectError | null = null;
  const loseConnection = (reason: string): void => {
    lost ??= new ConnectError(spec.name, `${describeHost(spec)}: connection lost (${reason})`);
    for (const reject of pending) reject(lost);
    pending.clear();
  };
  client.on("error", (error) => { loseConnection(error.message.replace(/\s+/g, " ")); });
  client.on("close", () => { loseConnection("closed"); });

  const runOnChannel = (channel: ClientChannel, command: string, options: ExecOptions, started: number): Promise<ExecResult> =>
    new Promise((resolve) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let code: number | null | undefined;
      let signal: string | undefined;
      channel.on("data", (chunk: Buffer) => stdout.push(chunk));
      channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      channel.on("exit", (exitCode: number | null, signalName?: string) => {
        code = exitCode;
        signal = signalName;
      });
      channel.on("close", () => {
        const exitCode = exitCodeOf(code, signal);
        resolve({ command, exitCode, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), durationMs: performance.now() - started });
      });
      channel.end(options.stdin);
    });

  const exec = (command: string, options: ExecOptions = {}): Promise<ExecResult> => {
    if (lost !== null) return Promise.reject(lost);
    const started = performance.now();
    return new Promise<ExecResult>((resolve, reject) => {
      pending.add(reject);
      const settle = (action: () => void): void => {
        pending.delete(reject);
        // A channel closed by a lost connection must not read as an exit status.
        if (lost === null) action();
      };
      const refuseSession = (error: Error): void => {
        settle(() => { reject(new ConnectError(spec.name, `${describeHost(spec)}: cannot open a session: ${error.message}`, { cause: error })); });
      };
      try {
        client.exec(command, (error, channel) => {
          if (error) {
            refuseSession(error);
            return;
          }
          void runOnChannel(channel, command, options, started).then((result) => { settle(() => { resolve(result); }); });
        });
      } catch (error) {
        // ssh2 throws "Not connected" when the socket died before its close event reached us.
        refuseSession(error as Error);
      }
    });
  };

  const close = (): Promise<void> =>
    new Promise((resolve) => {
      if (lost !== null) {
        resolve();
        return;
      }
      client.once("close", () => { resolve(); });
      client.end();
    });

  return { host: spec.name, exec, close };
}
