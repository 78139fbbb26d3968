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
  /** Each piece of stdout as it arrives (the whole is in the result too): records a long script prints on its way. */
  onStdout?: (chunk: Buffer) => void;
}

/** A live connection to one host, reused for everything done there. */
export interface Transport {
  readonly host: string;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

export type HostKeyPolicy = "strict" | "accept-new" | "off";

/** ConnectSpec fields an ssh_config file may set, where the inventory left them at bkplay's defaults. */
export type ConfigurableField = "address" | "user" | "port" | "hostKeyPolicy" | "connectTimeoutMs";

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
  /** Environment variable holding the identity file's passphrase (else asked on a terminal). */
  passphraseEnv?: string;
  /** Environment variable holding the login password (else asked on a terminal). */
  passwordEnv?: string;
  /** Jump hosts as in OpenSSH's ProxyJump: `[user@]host[:port]`, comma-separated, first hop first; `none` for none. */
  jump?: string;
  /** The ssh_config file to read; default ~/.ssh/config when it exists. */
  sshConfig?: string;
  /** What the inventory left at defaults; the ssh_config file may set these (it may always add an identity, known_hosts or jump). */
  defaulted?: readonly ConfigurableField[];
}
