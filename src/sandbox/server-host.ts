/** What a sandbox SSH server needs to know about one host. */
export interface SandboxServerHost {
  name: string;
  /** The host's private directory (keys, configs, logs), outside its BlueKing tree. */
  dir: string;
  hostKeyFile: string;
}

/** One host's server once it listens; `pid` is the process to stop (none for in-process servers). */
export interface RunningHost {
  name: string;
  port: number;
  pid?: number;
}
