import type { Host } from "../inventory/types.js";

/** How a host's batched scripts are started: the command, and bytes sent on stdin before the script. */
export interface RemoteShell {
  command: string;
  stdinPrefix: string;
}

/** The shell that reads a batched script on stdin. */
export function remoteShell(_host: Host): RemoteShell {
  return { command: "sh -s", stdinPrefix: "" };
}
