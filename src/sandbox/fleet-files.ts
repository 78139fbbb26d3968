import { userInfo } from "node:os";
import { knownHostName } from "../transport/known-hosts.js";
import { SANDBOX_ROLES } from "./bk-tree.js";
import type { SandboxRole } from "./bk-tree.js";

export interface SandboxHost {
  name: string;
  address: "127.0.0.1";
  port: number;
  /** Local path of the host's paas_root. */
  root: string;
  roles: SandboxRole[];
}

/**
 * Roles of host `index` in a fleet of `count`: one role each from five hosts up, otherwise
 * round-robin so a small fleet still covers every role.
 */
export function rolesOf(index: number, count: number): SandboxRole[] {
  const width = Math.min(count, SANDBOX_ROLES.length);
  return SANDBOX_ROLES.filter((_, roleIndex) => roleIndex % width === index % width);
}

/** known_hosts text trusting every host's key; `publicKeys` maps host name to `type base64`. */
export function formatKnownHosts(hosts: SandboxHost[], publicKeys: Map<string, string>): string {
  return hosts.map((h) => `${knownHostName(h.address, h.port)} ${publicKeys.get(h.name) ?? ""}\n`).join("");
}

/** The fleet's native inventory; paths are JSON-quoted, which YAML reads as double-quoted scalars. */
export function formatInventory(hosts: SandboxHost[]): string {
  const lines = [
    "# bkplay sandbox fleet; regenerated (with new ports) on every start",
    `ssh: { user: ${JSON.stringify(userInfo().username)}, identity_file: ./id_ed25519, known_hosts: ./known_hosts }`,
    "groups:",
  ];
  for (const role of SANDBOX_ROLES) {
    lines.push(`  ${role}:`, "    hosts:");
    for (const h of hosts.filter((host) => host.roles.includes(role))) {
      lines.push(`      ${h.name}: { address: ${h.address}, port: ${h.port}, vars: { paas_root: ${JSON.stringify(h.root)} } }`);
    }
  }
  return `${lines.join("\n")}\n`;
}
