import { localTransport } from "./local.js";
import { connectSsh } from "./ssh.js";
import type { ConnectSpec, Transport } from "./types.js";

/** Opens the transport the inventory asked for: the controller itself, or SSH. */
export function connect(spec: ConnectSpec): Promise<Transport> {
  return spec.connection === "local" ? Promise.resolve(localTransport(spec.name)) : connectSsh(spec);
}
