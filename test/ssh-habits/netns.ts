import { sh } from "./lab.js";

export interface Netns {
  name: string;
  /** The namespace's end of the veth pair: the only address of the namespace the test's own namespace can reach. */
  inside: string;
}

/**
 * A network namespace joined to ours by one veth pair (a /30 of its own). Servers listening on the namespace's
 * 127.0.0.1 are unreachable from here: only a jump host inside the namespace can forward to them.
 */
export function useNetns(): () => Netns {
  const tag = process.pid % 100_000;
  const name = `bkplay-habits-${tag}`;
  const octet = (process.pid % 250) + 1;
  const netns: Netns = { name, inside: `10.213.${octet}.2` };
  const veth = `bkh${tag}`;
  before(async () => {
    await sh("ip", ["netns", "del", name]).catch(() => undefined);
    await sh("ip", ["link", "del", `${veth}a`]).catch(() => undefined);
    await sh("ip", ["netns", "add", name]);
    await sh("ip", ["link", "add", `${veth}a`, "type", "veth", "peer", "name", `${veth}b`]);
    await sh("ip", ["link", "set", `${veth}b`, "netns", name]);
    await sh("ip", ["addr", "add", `10.213.${octet}.1/30`, "dev", `${veth}a`]);
    await sh("ip", ["link", "set", `${veth}a`, "up"]);
    for (const args of [["addr", "add", `${netns.inside}/30`, "dev", `${veth}b`], ["link", "set", `${veth}b`, "up"], ["link", "set", "lo", "up"]]) {
      await sh("ip", ["netns", "exec", name, "ip", ...args]);
    }
  });
  after(async () => {
    await sh("ip", ["link", "del", `${veth}a`]).catch(() => undefined);
    await sh("ip", ["netns", "del", name]).catch(() => undefined);
  });
  return () => netns;
}
