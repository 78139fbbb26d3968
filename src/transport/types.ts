/** One result shape for every command, success or failure (a non-zero exit is data). */
export interface ExecResult {
  command: string;
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  durationMs: number;
}

export interface ExecOptions {
  /** Bytes written to the command's stdin, then stdin is closed. */
  stdin?: Buffer | string;
}

/** A live connection to one host, reused for everything done there. */
export interface Transport {
  readonly host: string;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

export type HostKeyPolicy = "strict" | "accept-new" | "off";

export interface ConnectSpec {
  /** Inventory name of the host, used in every message. */
  name: string;
  address: string;
  port: number;
  user: string;
  identityFile?: string;
  knownHosts?: string;
  hostKeyPolicy: HostKeyPolicy;
  /** `local` runs on the controller itself, no SSH. */
  connection: "ssh" | "local";
  connectTimeoutMs: number;
}
