import { placePath, type Generation } from "../../generations/layouts.js";
import type { SandboxRole } from "../bk-tree.js";

/** What a host's tree depends on besides its roles. */
export interface TreeContext {
  generation: Generation;
  /** The install root on this machine (`$PAAS_ROOT`, `$INSTALL_PATH`, `$BK_HOME` of a real host). */
  root: string;
  /** The host's own directory, standing in for `/` for system paths (/etc, /usr, /run). */
  sysroot: string;
  /** The host's position in its install (0-based): a few values differ between hosts, as on real fleets. */
  index: number;
  /** The loopback port the host's nginx listens on (80 when a tree is written without a fleet). */
  nginxPort: number;
  /** The loopback port of the agent's nginx server block on appo/appt (8010, bkce's, when written without a fleet). */
  agentPort: number;
  /** The host's roles: one nginx serves PaaS (nginx) and the agent's apps (appo, appt) where a host has both. */
  roles: readonly SandboxRole[];
  /** The host's LAN address as BlueKing's files name it: every sandbox host is 127.0.0.1. */
  lanIp: string;
  /** Whether the machine has the nginx the host's nginx runs (else the host gets a stand-in). */
  realNginx: boolean;
}

/** Where a layout path lands for this tree (relative: under the root; absolute: under the sysroot). */
export const at = (ctx: TreeContext, path: string): string => placePath(path, ctx.root, ctx.sysroot);

/** `listen` of the host's nginx server blocks: the sandbox's port, on loopback only. */
export const listenOf = (ctx: TreeContext): string => (ctx.nginxPort === 80 ? "80" : `127.0.0.1:${ctx.nginxPort}`);

/** `listen` of the agent's server block (paasagent.conf): bkce's 8010, or the sandbox's port on loopback. */
export const agentListenOf = (ctx: TreeContext): string => (ctx.agentPort === 8010 ? "8010" : `127.0.0.1:${ctx.agentPort}`);

export const isAgent = (ctx: TreeContext): boolean => ctx.roles.includes("appo") || ctx.roles.includes("appt");
export const isFront = (ctx: TreeContext): boolean => ctx.roles.includes("nginx");
