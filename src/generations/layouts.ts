/**
 * What each BlueKing generation keeps where (see the README's generations table; sources in its notes).
 * Paths are relative to the install root; a leading `/` marks a system path, placed under the host's
 * `bk_sysroot` (empty on a real host).
 */
export const GENERATIONS = ["oss", "ce5", "ce6", "ce7"] as const;
export type Generation = (typeof GENERATIONS)[number];

export const isGeneration = (v: unknown): v is Generation => typeof v === "string" && (GENERATIONS as readonly string[]).includes(v);

/** Generations whose hosts keep a PaaS install tree. bkce 7.x runs PaaS in Kubernetes: its nodes keep only node-side things. */
export const PAAS_GENERATIONS = ["oss", "ce5", "ce6"] as const satisfies readonly Generation[];
export type PaasGeneration = (typeof PAAS_GENERATIONS)[number];

export const isPaasGeneration = (g: Generation): g is PaasGeneration => (PAAS_GENERATIONS as readonly string[]).includes(g);

/**
 * Node-side paths, the same on every BlueKing host (system paths): the GSE agent node-man installs under
 * `/usr/local/gse/agent` (nodeman setup_agent.sh AGENT_SETUP_PATH; bk-install BK_GSE_AGENT_HOME=/usr/local/gse,
 * so 5.x and 6.x hosts have it too), its agent 1.0 config `etc/agent.conf` and 2.0 config `etc/gse_agent.conf`,
 * its control script `bin/gsectl`, and the resolver's hosts file.
 */
export const NODE_LAYOUT = {
  gse_agent_conf: "/usr/local/gse/agent/etc/agent.conf",
  gse_agent2_conf: "/usr/local/gse/agent/etc/gse_agent.conf",
  gsectl: "/usr/local/gse/agent/bin/gsectl",
  hosts_file: "/etc/hosts",
} as const;
export type NodeLayout = Record<keyof typeof NODE_LAYOUT, string>;

export interface Layout {
  /** The installer's default root (`$PAAS_ROOT`, `$INSTALL_PATH`, `$BK_HOME`). */
  root: string;
  paas_settings: string;
  /** Shipped defaults that settings_production.py overrides (paas/settings.py imports both, in that order). */
  paas_default: string;
  login_settings: string;
  esb_settings: string;
  /** ESB's own components folder (custom components live under it). */
  esb_components: string;
  esb_venv: string;
  agent_config: string;
  /** The scripts the agent runs to build an app (the first is the plain app's, then S-mart's). */
  agent_build_scripts: readonly string[];
  /** Where the ce6 docker builder reads offline packages (mounted as /data/pkgs/); absent before ce6. */
  agent_packages: string | null;
  nginx_paas_conf: string | null;
}

export const LAYOUTS: Readonly<Record<PaasGeneration, Layout>> = {
  // The seeds' layout: sources under open_paas/src, dashboard.sh scripts.
  oss: {
    root: "/data/paas",
    paas_settings: "open_paas/src/paas/conf/settings_production.py",
    paas_default: "open_paas/src/paas/conf/default.py",
    login_settings: "open_paas/src/login/conf/settings_production.py",
    esb_settings: "open_paas/src/esb/configs/default.py",
    esb_components: "open_paas/src/esb/components",
    esb_venv: "open_paas/Envs/esb",
    agent_config: "paas_agent/etc/paas_agent_config.yaml",
    agent_build_scripts: ["paas_agent/etc/build/build"],
    agent_packages: null,
    nginx_paas_conf: null,
  },
  // bkce 5.x: supervisor, the agent's config in etc/ (linked from paas_agent/paas_agent/etc/).
  ce5: {
    root: "/data/bkce",
    paas_settings: "open_paas/paas/conf/settings_production.py",
    paas_default: "open_paas/paas/conf/default.py",
    login_settings: "open_paas/login/conf/settings_production.py",
    esb_settings: "open_paas/esb/configs/default.py",
    esb_components: "open_paas/esb/components",
    esb_venv: ".envs/esb",
    agent_config: "etc/paas_agent_config.yaml",
    agent_build_scripts: ["paas_agent/paas_agent/etc/build/virtualenv/build", "paas_agent/paas_agent/etc/build/virtualenv/saas/buildsaas"],
    agent_packages: null,
    nginx_paas_conf: "etc/nginx/paas.conf",
  },
  // bkce 6.x (bk-install): systemd units, files rendered from templates, docker builds, openresty.
  ce6: {
    root: "/data/bkce",
    paas_settings: "open_paas/paas/conf/settings_production.py",
    paas_default: "open_paas/paas/conf/default.py",
    login_settings: "open_paas/login/conf/settings_production.py",
    esb_settings: "open_paas/esb/conf/settings_production.py",
    esb_components: "open_paas/esb/components",
    esb_venv: ".envs/open_paas-esb",
    agent_config: "etc/paas_agent_config.yaml",
    agent_build_scripts: ["paas_agent/paas_agent/etc/build/docker/builder", "paas_agent/paas_agent/etc/build/docker/saas/builder"],
    agent_packages: "paas_agent/support-files/pkgs",
    nginx_paas_conf: "/usr/local/openresty/nginx/conf/conf.d/paas.conf",
  },
};

/** Where a layout path lands on a host: under the root, or (system paths) under the sysroot. */
export function placePath(path: string, root: string, sysroot: string): string {
  return path.startsWith("/") ? `${sysroot}${path}` : `${root}/${path}`;
}
