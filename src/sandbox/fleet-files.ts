import { join } from "node:path";
import { userInfo } from "node:os";
import { GENERATIONS, type Generation } from "../generations/layouts.js";
import type { HealthzModule } from "../generations/paas-modules.js";
import { knownHostName } from "../transport/known-hosts.js";
import { NODE_ROLE, SANDBOX_ROLES } from "./bk-tree.js";
import type { SandboxRole } from "./bk-tree.js";
import { CE7_DOMAIN } from "./trees/ce7-node.js";

/** What a fleet holds: one BlueKing generation, or several installs side by side. */
export const FLEET_GENERATIONS = [...GENERATIONS, "mixed"] as const;
export type FleetGeneration = (typeof FLEET_GENERATIONS)[number];

export interface SandboxHost {
  name: string;
  address: "127.0.0.1";
  port: number;
  /** Local path of the host's install root (paas_root). */
  root: string;
  /** The host's own directory, standing in for `/` (bk_sysroot). */
  sysroot: string;
  /** The BlueKing generation its files are; the inventory does not say it (hosts are detected). */
  generation: Generation;
  roles: SandboxRole[];
  /** Its position among the hosts of its install (a mixed fleet holds several installs). */
  installIndex: number;
  /** The loopback port of its nginx (nginx hosts). */
  nginxPort?: number;
  /** The loopback ports of its open_paas modules' healthz (paas hosts; 5.x and 6.x uwsgi configs say them). */
  paasPorts?: Partial<Record<HealthzModule, number>>;
  /** The port of its install's nginx, which its CONTROLLER_SERVER_URL names (agent hosts). */
  frontPort?: number;
  /** The fleet's pip index, its PYTHON_PIP (agent hosts). */
  pipIndex?: string;
  /** The fleet's MariaDB socket (mysql hosts, when the fleet runs one). */
  mysqlSocket?: string;
  /** The loopback port the agent's nginx server block listens on (appo, appt), as paasagent.conf says. */
  agentPort?: number;
}

/**
 * Roles of host `index` in an install of `count` hosts: one role each from five hosts up, otherwise
 * round-robin so a small install still covers every role.
 */
export function rolesOf(index: number, count: number): SandboxRole[] {
  const width = Math.min(count, SANDBOX_ROLES.length);
  return SANDBOX_ROLES.filter((_, roleIndex) => roleIndex % width === index % width);
}

/**
 * Roles in an install of the seeds' layout: its nginx is an install of its own beside PaaS (`sbin/nginx -s
 * reload` after editing paas.conf), and no BlueKing file would tell a host that only runs it, so the nginx
 * role goes with each paas host instead of a host of its own.
 */
export function ossRolesOf(index: number, count: number): SandboxRole[] {
  const roles: SandboxRole[] = SANDBOX_ROLES.filter((r) => r !== "nginx");
  const width = Math.min(count, roles.length);
  const mine: SandboxRole[] = roles.filter((_, roleIndex) => roleIndex % width === index % width);
  return SANDBOX_ROLES.filter((r) => mine.includes(r) || (r === "nginx" && mine.includes("paas")));
}

const rolesIn = (g: Generation, index: number, count: number): SandboxRole[] => (g === "ce7" ? [NODE_ROLE] : g === "oss" ? ossRolesOf(index, count) : rolesOf(index, count));

/** A `mixed` fleet's installs, dealt its hosts in turn. */
const MIXED: readonly Generation[] = ["ce5", "ce6", "oss"];

export interface HostPlan {
  generation: Generation;
  roles: SandboxRole[];
  installIndex: number;
}

/**
 * What each of `count` hosts is. One generation: one install, roles by rolesOf (ossRolesOf for oss; every bkce 7.x
 * host is a node). `mixed`:
 * three installs (ce5, ce6, oss) side by side, host i in install i % 3, each install's roles dealt within it, so
 * every group of the inventory spans generations (3 hosts: three all-in-one installs; 5 hosts: ce5 on
 * bk-1 and bk-4, ce6 on bk-2 and bk-5, oss on bk-3).
 */
export function planFleet(count: number, generation: FleetGeneration): HostPlan[] {
  return Array.from({ length: count }, (_, i): HostPlan => {
    if (generation !== "mixed") return { generation, roles: rolesIn(generation, i, count), installIndex: i };
    const install = i % MIXED.length;
    const size = Math.floor((count - install - 1) / MIXED.length) + 1;
    const position = Math.floor(i / MIXED.length);
    const g = MIXED[install] ?? "ce5";
    return { generation: g, roles: rolesIn(g, position, size), installIndex: position };
  });
}

/** known_hosts text trusting every host's key; `publicKeys` maps host name to `type base64`. */
export function formatKnownHosts(hosts: SandboxHost[], publicKeys: Map<string, string>): string {
  return hosts.map((h) => `${knownHostName(h.address, h.port)} ${publicKeys.get(h.name) ?? ""}\n`).join("");
}

/**
 * Per-host variables: its install root and its sysroot (the hosts share one machine, so each has its own
 * directory for /etc, /usr, /run…), and its backups and run state under that directory, where real hosts
 * would use their own /var/tmp and /var/lib. No bk_generation: bkplay detects it from the host's files. A bkce
 * 7.x node has no PaaS root; its install's domain (BK_DOMAIN) is given instead.
 */
export function sandboxVars(h: Pick<SandboxHost, "root" | "sysroot"> & { generation?: Generation }): Record<string, string> {
  return {
    ...(h.generation === "ce7" ? { bk_domain: CE7_DOMAIN } : { paas_root: h.root }),
    bk_sysroot: h.sysroot,
    bkplay_backup_dir: join(h.sysroot, "var", "tmp", "bkplay"),
    bkplay_state_dir: join(h.sysroot, "var", "lib", "bkplay"),
  };
}

/**
 * Variables that say where the host's services listen, where its files cannot: the seeds' layout names no port
 * for its open_paas modules (`paas_ports`), and a mysql host's socket is the fleet's MariaDB's (`mysql_socket`).
 */
export function serviceVars(h: Pick<SandboxHost, "generation" | "paasPorts" | "mysqlSocket">): Record<string, unknown> {
  return {
    ...(h.generation === "oss" && h.paasPorts !== undefined ? { paas_ports: h.paasPorts } : {}),
    ...(h.mysqlSocket === undefined ? {} : { mysql_socket: h.mysqlSocket }),
  };
}

/** The fleet's native inventory; paths are JSON-quoted, which YAML reads as double-quoted scalars. */
export function formatInventory(hosts: SandboxHost[]): string {
  const lines = [
    "# bkplay sandbox fleet; regenerated (with new ports) on every start",
    `# generations, for reading only (bkplay detects them): ${hosts.map((h) => `${h.name} ${h.generation}`).join(", ")}`,
    `ssh: { user: ${JSON.stringify(userInfo().username)}, identity_file: ./id_ed25519, known_hosts: ./known_hosts }`,
    "groups:",
  ];
  for (const role of [...SANDBOX_ROLES, NODE_ROLE] as SandboxRole[]) {
    const members = hosts.filter((host) => host.roles.includes(role));
    if (members.length === 0) continue;
    lines.push(`  ${role}:`, "    hosts:");
    for (const h of members) {
      lines.push(`      ${h.name}: { address: ${h.address}, port: ${h.port}, vars: ${JSON.stringify({ ...sandboxVars(h), ...serviceVars(h) })} }`);
    }
  }
  return `${lines.join("\n")}\n`;
}
