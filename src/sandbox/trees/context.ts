import { placePath, type Generation } from "../../generations/layouts.js";
import { PAAS_PORTS } from "../../generations/paas-modules.js";
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
  /** The ports its open_paas modules listen on (their uwsgi configs say it): the defaults, or the fleet's own. */
  paasPorts: Record<keyof typeof PAAS_PORTS, number>;
  /** The port of its install's nginx, which the agents' CONTROLLER_SERVER_URL names (80 outside a fleet). */
  frontPort: number;
  /** The pip index the agents' PYTHON_PIP names: the fleet's own; undefined outside a fleet (the sample's public one). */
  pipIndex?: string;
}

/** Where a layout path lands for this tree (relative: under the root; absolute: under the sysroot). */
export const at = (ctx: TreeContext, path: string): string => placePath(path, ctx.root, ctx.sysroot);

/** `listen` of the host's nginx server blocks: the sandbox's port, on loopback only. */
export const listenOf = (ctx: TreeContext): string => (ctx.nginxPort === 80 ? "80" : `127.0.0.1:${ctx.nginxPort}`);

/** `host` with the port of the install's front, when it is not the default. */
export const withFrontPort = (ctx: TreeContext, host: string): string => (ctx.frontPort === 80 ? host : `${host.replace(/:80$/, "")}:${ctx.frontPort}`);
/** `listen` of the agent's server block (paasagent.conf): bkce's 8010, or the sandbox's port on loopback. */
export const agentListenOf = (ctx: TreeContext): string => (ctx.agentPort === 8010 ? "8010" : `127.0.0.1:${ctx.agentPort}`);

export const isAgent = (ctx: TreeContext): boolean => ctx.roles.includes("appo") || ctx.roles.includes("appt");
export const isFront = (ctx: TreeContext): boolean => ctx.roles.includes("nginx");
