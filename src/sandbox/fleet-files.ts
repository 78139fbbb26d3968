import { dirname, join } from "node:path";
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

/**
 * Per-host variables: its own install root; backups under its own directory (the sandbox hosts share one
 * machine, where real hosts would each have their own /var/tmp); an nginx stand-in, as no nginx runs here.
 */
export function sandboxVars(h: SandboxHost): Record<string, string> {
  return {
    paas_root: h.root,
    bkplay_backup_dir: join(dirname(dirname(h.root)), "var", "tmp", "bkplay"),
    bkplay_state_dir: join(dirname(dirname(h.root)), "var", "lib", "bkplay"),
    nginx_reload: `${h.root}/bin/nginx -s reload`,
  };
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
      lines.push(`      ${h.name}: { address: ${h.address}, port: ${h.port}, vars: ${JSON.stringify(sandboxVars(h))} }`);
    }
  }
  return `${lines.join("\n")}\n`;
}
