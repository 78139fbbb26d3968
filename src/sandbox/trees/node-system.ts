import { getentScript } from "../standins/getent.js";
import { file, script, type TreeEntry } from "../tree-entry.js";
import type { TreeContext } from "./context.js";

/** Debian's /etc/hosts as the installer writes it. */
const DEBIAN_HOSTS = `127.0.0.1\tlocalhost

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
`;

/**
 * What every host's resolver has: its /etc/hosts (with `lines` appended, as operators append them), a resolv.conf
 * naming the sandbox's DNS (the responder on the loopback of getent's namespace), and the getent that resolves
 * through them without leaving the host.
 */
export function resolverFiles(ctx: TreeContext, lines: readonly string[] = []): TreeEntry[] {
  return [
    file("/etc/hosts", DEBIAN_HOSTS + lines.map((l) => `${l}\n`).join("")),
    file("/etc/resolv.conf", "# the sandbox's DNS: a responder on the loopback of getent's namespace, answering from sandbox-dns.zone\nnameserver 127.0.0.1\n"),
    script("/usr/bin/getent", getentScript(ctx.sysroot)),
  ];
}
