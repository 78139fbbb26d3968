import { performance } from "node:perf_hooks";
import type { Client as SshClient, ClientChannel } from "ssh2";
import { ConnectError } from "../errors.js";
import { exitCodeOf } from "./exit-code.js";
import { describeHost } from "./host-key-check.js";
import type { ConnectSpec, ExecOptions, ExecResult, Transport } from "./types.js";
import { t } from "../i18n/t.js";

/** A Transport over a ready SSH client: one channel per exec; a lost connection fails every running and later exec. */
export function wrapClient(spec: ConnectSpec, client: SshClient): Transport {
  const pending = new Set<(error: ConnectError) => void>();
  let lost: ConnectError | null = null;
  const loseConnection = (reason: string): void => {
    lost ??= new ConnectError(spec.name, t("ssh.lost", { host: describeHost(spec), reason }));
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
      channel.on("data", (chunk: Buffer) => {
        stdout.push(chunk);
        options.onStdout?.(chunk);
      });
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
        settle(() => { reject(new ConnectError(spec.name, t("ssh.noSession", { host: describeHost(spec), reason: error.message }), { cause: error })); });
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
