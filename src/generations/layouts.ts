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
  /** Where the agent deploys apps: `<app>/run/supervisord.sock` and the app's own supervisord live below it. */
  agent_apps: string;
  /** The agent's nginx server block (paasagent.conf): its `listen` is the port PaaS's nginx proxies /t/ and /o/ to. */
  agent_nginx_conf: string;
  /** The pid file of the nginx master that serves the agent's server block. */
  agent_nginx_pid: string;
  /** The login app (manage.py, settings.py, bkaccount). */
  login_dir: string;
  /** The login app's virtualenv. */
  login_venv: string;
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
    // Seed 001: `${PAAS_ROOT}/apps/projects/***/run`.
    agent_apps: "apps/projects",
    // paas-ce's agent install guide: etc/nginx/paasagent.conf, included into the host's own nginx (sbin/nginx of
    // an install of its own, nginx's default prefix).
    agent_nginx_conf: "paas_agent/etc/nginx/paasagent.conf",
    agent_nginx_pid: "/usr/local/nginx/logs/nginx.pid",
    login_dir: "open_paas/src/login",
    // As ESB's (seed 001: open_paas/Envs/esb).
    login_venv: "open_paas/Envs/login",
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
    agent_apps: "paas_agent/apps/projects",
    // Seed 000 reloads the appt's /usr/sbin/nginx from $INSTALL_PATH/etc/nginx (inferred: the agent's server block
    // lies beside paas.conf); the system nginx keeps its pid in /run.
    agent_nginx_conf: "etc/nginx/paasagent.conf",
    agent_nginx_pid: "/run/nginx.pid",
    login_dir: "open_paas/login",
    // Seed 000: `workon login` with WORKON_HOME=$INSTALL_PATH/.envs.
    login_venv: ".envs/login",
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
    agent_apps: "paas_agent/apps/projects",
    // bk-install's install_consul_template.sh renders paasagent.conf (listen from consul kv bkcfg/ports/paasagent) into
    // openresty's conf.d; openresty.service's PIDFile.
    agent_nginx_conf: "/usr/local/openresty/nginx/conf/conf.d/paasagent.conf",
    agent_nginx_pid: "/usr/local/openresty/nginx/logs/nginx.pid",
    login_dir: "open_paas/login",
    // install_paas.sh: `workon open_paas-login`. (paas2's login keeps no users: bk-user does.)
    login_venv: ".envs/open_paas-login",
  },
};

/** Where a layout path lands on a host: under the root, or (system paths) under the sysroot. */
export function placePath(path: string, root: string, sysroot: string): string {
  return path.startsWith("/") ? `${sysroot}${path}` : `${root}/${path}`;
}
