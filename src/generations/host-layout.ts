import type { Host } from "../inventory/types.js";
import { isGeneration, isPaasGeneration, LAYOUTS, NODE_LAYOUT, placePath, type Generation, type Layout, type NodeLayout, type PaasGeneration } from "./layouts.js";
import { markerPaths, type MarkerPaths } from "./markers.js";

/** Where any BlueKing host keeps its node-side things (GSE agent, hosts file), placed under its sysroot. */
export type NodeView = NodeLayout & {
  generation: Generation;
  sysroot: string;
};

/**
 * What templates see as `bk` on a host with a PaaS tree: its generation, where that generation keeps things on it
 * (every layout path placed under the host's root or sysroot; the build scripts by name), and the node-side paths.
 */
export type BkView = NodeView &
  Omit<Layout, "agent_build_scripts"> & {
    generation: PaasGeneration;
    /** The script that builds a plain app; S-mart packages have their own (`agent_buildsaas`). */
    agent_build: string;
    agent_buildsaas: string | null;
  };

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The install root: the inventory's `paas_root`, else the generation's default. */
export const rootOf = (host: Pick<Host, "vars">, g: PaasGeneration): string => text(host.vars.paas_root)?.replace(/\/+$/, "") ?? LAYOUTS[g].root;

/** Prefix for system paths (/etc, /usr): empty on a real host; the sandbox's hosts share one machine. */
export const sysrootOf = (host: Pick<Host, "vars">): string => text(host.vars.bk_sysroot)?.replace(/\/+$/, "") ?? "";

/** `bk_generation` from the inventory; undefined when not pinned. Invalid values are caught by validation. */
export function pinnedGeneration(host: Pick<Host, "vars">): Generation | undefined {
  const v = host.vars.bk_generation;
  return isGeneration(v) ? v : undefined;
}

export function nodeView(host: Pick<Host, "vars">, g: Generation): NodeView {
  const sysroot = sysrootOf(host);
  const paths = Object.fromEntries(Object.entries(NODE_LAYOUT).map(([k, p]) => [k, `${sysroot}${p}`])) as NodeLayout;
  return { generation: g, sysroot, ...paths };
}

/** The host's PaaS tree as generation g lays it out; null for a generation whose hosts keep none (ce7). */
export function bkView(host: Pick<Host, "vars">, g: Generation): BkView | null {
  if (!isPaasGeneration(g)) return null;
  const root = rootOf(host, g);
  const node = nodeView(host, g);
  const l = LAYOUTS[g];
  const at = (p: string): string => placePath(p, root, node.sysroot);
  const scripts = l.agent_build_scripts.map(at);
  return {
    ...node,
    generation: g,
    root,
    paas_settings: at(l.paas_settings),
    paas_default: at(l.paas_default),
    login_settings: at(l.login_settings),
    esb_settings: at(l.esb_settings),
    esb_components: at(l.esb_components),
    esb_venv: at(l.esb_venv),
    agent_config: at(l.agent_config),
    agent_build: scripts[0] ?? "",
    agent_buildsaas: scripts[1] ?? null,
    agent_packages: l.agent_packages === null ? null : at(l.agent_packages),
    nginx_paas_conf: l.nginx_paas_conf === null ? null : at(l.nginx_paas_conf),
    agent_apps: at(l.agent_apps),
    agent_nginx_conf: at(l.agent_nginx_conf),
    agent_nginx_pid: at(l.agent_nginx_pid),
    login_dir: at(l.login_dir),
    login_venv: at(l.login_venv),
  };
}

/** The keys of `bk` only a host with a PaaS tree has. */
export const PAAS_VIEW_KEYS: ReadonlySet<string> = new Set([...Object.keys(LAYOUTS.ce5).filter((k) => k !== "agent_build_scripts"), "agent_build", "agent_buildsaas"]);

/** `bk` in templates: the PaaS view where the generation has a tree, else the node-side paths only. */
export const templateBk = (host: Pick<Host, "vars">, g: Generation): BkView | NodeView => bkView(host, g) ?? nodeView(host, g);

export const hostMarkers = (host: Pick<Host, "vars">): MarkerPaths[] => markerPaths((g) => rootOf(host, g), sysrootOf(host));
