/** What a sandbox SSH server needs to know about one host. */
export interface SandboxServerHost {
  name: string;
  /** The host's private directory (keys, configs, logs), outside its BlueKing tree. */
  dir: string;
  hostKeyFile: string;
  /** Environment of the host's SSH sessions (its PATH puts the host's own /usr/sbin, /usr/bin first). */
  env: Record<string, string>;
}

/** One host's server once it listens; `pid` is the process to stop (none for in-process servers). */
export interface RunningHost {
  name: string;
  port: number;
  pid?: number;
}

/** The machine's PATH an sshd session gets (OpenSSH's default for root). */
export const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** A host's PATH: its own bin folders (stand-ins, wrappers) ahead of the machine's. */
export const hostPath = (sysroot: string, rest = SYSTEM_PATH): string =>
  [...["usr/local/sbin", "usr/local/bin", "usr/sbin", "usr/bin"].map((d) => `${sysroot}/${d}`), rest].join(":");
