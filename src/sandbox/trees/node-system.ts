import { getentScript } from "../standins/getent.js";
import { file, script, type TreeEntry } from "../tree-entry.js";
import type { TreeContext } from "./context.js";

/**
 * What every host's resolver has: its /etc/hosts (`hosts`), a resolv.conf naming the sandbox's DNS (the responder on
 * the loopback of getent's namespace), and the getent that resolves through them without leaving the host.
 */
export function resolverFiles(ctx: TreeContext, hosts: string): TreeEntry[] {
  return [
    file("/etc/hosts", hosts),
    file("/etc/resolv.conf", "# the sandbox's DNS: a responder on the loopback of getent's namespace, answering from sandbox-dns.zone\nnameserver 127.0.0.1\n"),
    script("/usr/bin/getent", getentScript(ctx.sysroot)),
  ];
}
