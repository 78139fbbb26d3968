import { existsSync } from "node:fs";
import { chmod, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Generation, PaasGeneration } from "../generations/layouts.js";
import { PAAS_PORTS } from "../generations/paas-modules.js";
import { DNS_ZONE, etcHosts } from "./standins/getent.js";
import { REAL_NGINX } from "./standins/nginx.js";
import type { TreeEntry } from "./tree-entry.js";
import { dir } from "./tree-entry.js";
import { ce5AgentFiles } from "./trees/ce5-agent.js";
import { ce5NginxFiles } from "./trees/ce5-nginx.js";
import { ce5PaasFiles } from "./trees/ce5-paas.js";
import { ce6AgentFiles } from "./trees/ce6-agent.js";
import { ce6NginxFiles } from "./trees/ce6-nginx.js";
import { ce6PaasFiles } from "./trees/ce6-paas.js";
import { ce7Hosts, ce7NodeFiles } from "./trees/ce7-node.js";
import type { TreeContext } from "./trees/context.js";
import { gseAgentFiles } from "./trees/gse-agent.js";
import { resolverFiles } from "./trees/node-system.js";
import { ossAgentFiles } from "./trees/oss-agent.js";
import { ossNginxFiles } from "./trees/oss-nginx.js";
import { ossPaasFiles } from "./trees/oss-paas.js";

/** The roles of a PaaS install's hosts (oss, ce5, ce6). */
export const SANDBOX_ROLES = ["paas", "appo", "appt", "nginx", "mysql"] as const;
/** A bkce 7.x install's hosts are nodes: PaaS runs in Kubernetes. */
export const NODE_ROLE = "node";
export type SandboxRole = (typeof SANDBOX_ROLES)[number] | typeof NODE_ROLE;

type Part = (ctx: TreeContext) => TreeEntry[];

const PARTS: Readonly<Record<PaasGeneration, { paas: Part; agent: Part; nginx: Part }>> = {
  oss: { paas: ossPaasFiles, agent: ossAgentFiles, nginx: ossNginxFiles },
  ce5: { paas: ce5PaasFiles, agent: ce5AgentFiles, nginx: ce5NginxFiles },
  ce6: { paas: ce6PaasFiles, agent: ce6AgentFiles, nginx: ce6NginxFiles },
};

/** The names each generation's files give PaaS: its public domain, and the internal consul name (5.x, 6.x). */
const PAAS_NAMES: Readonly<Record<PaasGeneration, readonly string[]>> = {
  oss: ["paas.bk.com"],
  ce5: ["paas.bk.com", "paas.service.consul"],
  ce6: ["paas.bktencent.com", "paas.service.consul"],
};

/**
 * What every host of a generation has whatever its roles: a resolver, its /etc/hosts naming PaaS (a bkce 7.x
 * node's, the install's names as BKDocs 7.0 has them added), and on bkce 5.x/6.x hosts node-man's GSE agent too
 * (5.x zookeepers by IP on 2181, 6.x `zk.service.consul:2181`: bk-install gse.env). The seeds' layout names no agent.
 */
function hostFiles(ctx: TreeContext): TreeEntry[] {
  switch (ctx.generation) {
    case "oss":
      return resolverFiles(ctx, etcHosts(ctx.lanIp, PAAS_NAMES.oss));
    case "ce5":
      return [...gseAgentFiles(ctx, { zkhost: `${ctx.lanIp}:2181` }), ...resolverFiles(ctx, etcHosts(ctx.lanIp, PAAS_NAMES.ce5))];
    case "ce6":
      return [...gseAgentFiles(ctx, { zkhost: "zk.service.consul:2181" }), ...resolverFiles(ctx, etcHosts(ctx.lanIp, PAAS_NAMES.ce6))];
    case "ce7":
      return resolverFiles(ctx, ce7Hosts(ctx));
  }
}

function entriesFor(role: SandboxRole, ctx: TreeContext): TreeEntry[] {
  if (role === NODE_ROLE) return ctx.generation === "ce7" ? ce7NodeFiles(ctx) : [];
  if (ctx.generation === "ce7") return [];
  const parts = PARTS[ctx.generation];
  switch (role) {
    case "paas":
      return parts.paas(ctx);
    case "appo":
    case "appt":
      return parts.agent(ctx);
    case "nginx":
      return parts.nginx(ctx);
    case "mysql":
      return [dir("etc")];
  }
}

export interface TreeOptions {
  /** Default ce5. */
  generation?: Generation;
  /** The host's own directory standing in for `/`; default two levels above the root (`<host>/data/bkce`). */
  sysroot?: string;
  /** The host's position in its install; default 0. */
  index?: number;
  /** The port the host's nginx listens on; default 80. */
  nginxPort?: number;
  /** Ports of its open_paas modules other than the defaults. */
  paasPorts?: Partial<TreeContext["paasPorts"]>;
  /** The port of its install's nginx (agents name it); default 80. */
  frontPort?: number;
  /** The pip index the agents name; default the sample's public one. */
  pipIndex?: string;
  /** The port of the agent's nginx server block; default 8010. */
  agentPort?: number;
}

export function treeContext(root: string, o: TreeOptions = {}): TreeContext {
  return {
    generation: o.generation ?? "ce5",
    root: resolve(root),
    sysroot: resolve(o.sysroot ?? dirname(dirname(root))),
    index: o.index ?? 0,
    nginxPort: o.nginxPort ?? 80,
    agentPort: o.agentPort ?? 8010,
    roles: [],
    lanIp: "127.0.0.1",
    realNginx: existsSync(REAL_NGINX),
    paasPorts: { ...PAAS_PORTS, ...o.paasPorts },
    frontPort: o.frontPort ?? 80,
    ...(o.pipIndex === undefined ? {} : { pipIndex: o.pipIndex }),
  };
}

/** The system folders a host's tree writes below its sysroot; a reset replaces them whole. */
const SYSTEM_DIRS = ["etc", "usr", "var/log"];

/** Every entry of a host's tree, each path once (appo and appt share their files; the first copy wins). */
export function treeEntries(roles: readonly SandboxRole[], ctx: TreeContext): TreeEntry[] {
  const byPath = new Map<string, TreeEntry>([["logs", dir("logs")]]);
  const withRoles = { ...ctx, roles };
  for (const entry of [...roles.flatMap((role) => entriesFor(role, withRoles)), ...hostFiles(ctx)]) if (!byPath.has(entry.path)) byPath.set(entry.path, entry);
  return [...byPath.values()];
}

async function writeEntry(ctx: TreeContext, entry: TreeEntry): Promise<void> {
  const path = entry.path.startsWith("/") ? join(ctx.sysroot, entry.path) : join(ctx.root, entry.path);
  if (entry.kind === "dir") {
    await mkdir(path, { recursive: true });
    return;
  }
  await mkdir(dirname(path), { recursive: true });
  if (entry.kind === "symlink") {
    await symlink(entry.target, path);
    return;
  }
  await writeFile(path, entry.content);
  // chmod after writing, since writeFile's mode is filtered by the umask.
  if (entry.mode !== undefined) await chmod(path, entry.mode);
}

/**
 * Replaces a sandbox host's BlueKing tree: `root` and the system folders below its sysroot (also how tests
 * reset a host). Refuses a sysroot of `/`: this writes sandbox hosts only, never the machine itself.
 */
export async function writeBkTree(root: string, roles: readonly SandboxRole[], options: TreeOptions = {}): Promise<void> {
  const ctx = treeContext(root, options);
  if (ctx.sysroot === "/" || ctx.root === "/" || !ctx.root.startsWith(`${ctx.sysroot}/`)) {
    throw new Error(`a sandbox tree needs a host directory of its own: root ${ctx.root} must lie below a sysroot other than / (got ${ctx.sysroot})`);
  }
  await rm(ctx.root, { recursive: true, force: true });
  await Promise.all([...SYSTEM_DIRS, DNS_ZONE].map((d) => rm(join(ctx.sysroot, d), { recursive: true, force: true })));
  for (const entry of treeEntries(roles, ctx)) await writeEntry(ctx, entry);
}
