import { ConnectError } from "../errors.js";
import { handshake, openTcp } from "./handshake.js";
import { describeHost } from "./host-key-check.js";
import { forwardTo, leaseBastion, parseJump } from "./jump.js";
import { resolveSpec } from "./ssh-config.js";
import { wrapClient } from "./ssh-session.js";
import type { ConnectSpec, Transport } from "./types.js";

/**
 * Opens an SSH connection as the inventory and the ssh_config file describe it, directly or through jump hosts
 * (whose connections are shared); every failure is a one-line ConnectError naming the host and, if so, the hop.
 */
export async function connectSsh(spec: ConnectSpec): Promise<Transport> {
  const target = await resolveSpec(spec);
  const hops = parseJump(target);
  if (hops.length === 0) return wrapClient(target, await handshake(target, openTcp));
  const lease = leaseBastion(target, hops);
  // A jump host's failure is this host's failure too: the message names both.
  const asTarget = (error: unknown): never => {
    throw new ConnectError(spec.name, `${describeHost(target)}: ${(error as Error).message}`, { cause: error });
  };
  try {
    const bastion = await lease.bastion.catch(asTarget);
    const client = await handshake(target, (to) => forwardTo(bastion, to).catch(asTarget));
    client.once("close", lease.release);
    return wrapClient(target, client);
  } catch (error) {
    lease.release();
    throw error;
  }
}
