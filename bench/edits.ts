import type { SandboxRole } from "../src/sandbox/bk-tree.js";

/**
 * What playbooks/change-domain.yaml does on a bkce 5.x host, written out as plain text edits: the floor makes
 * them, and the bench computes from them the bytes every tool must leave.
 */

/** A handler, as change-domain names it; each is one restart or reload command on the host. */
export type Handler = "restart paas" | "restart login" | "restart esb" | "reload nginx" | "restart agent";

/** One file change-domain reads on a host, and how its text changes. */
export interface FileEdit {
  /** Relative to the host's paas_root (the ce5 layout: src/generations/layouts.ts). */
  path: string;
  edit: (text: string) => string;
  /** nginx -t on the candidate before it replaces the live file. */
  validate?: true;
  handler: Handler;
}

export const NEW_DOMAIN = "paas.example.com";
/** change-domain's default cookie_domain: "." + the parent domain of new_domain. */
export const COOKIE_DOMAIN = ".example.com";

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export const PAAS_SETTINGS = "open_paas/paas/conf/settings_production.py";
const LOGIN_SETTINGS = "open_paas/login/conf/settings_production.py";
const ESB_SETTINGS = "open_paas/esb/configs/default.py";
const NGINX_PAAS_CONF = "etc/nginx/paas.conf";
const AGENT_CONFIG = "etc/paas_agent_config.yaml";

/** The domain PaaS serves today: PAAS_DOMAIN's host in the paas settings (scheme and port aside), as change-domain reads it. */
export function oldDomainOf(paasSettings: string): string {
  const host = /^PAAS_DOMAIN\s*=\s*[uU]?['"](?:[a-z]+:\/\/)?([^:/'"]+)/m.exec(paasSettings)?.[1];
  if (host === undefined) throw new Error("no PAAS_DOMAIN in the paas settings");
  return host;
}

/** swap_domain on Python settings: each `KEY = '…'` whose host is `old` gets `to` (scheme, port, path kept). */
const swapPython = (keys: readonly string[], old: string, to: string) => (text: string): string =>
  text.replace(new RegExp(`^((?:${keys.join("|")})\\s*=\\s*[uU]?['"](?:[a-z][a-z0-9+.-]*://)?)${esc(old)}(?=[:/'"])`, "gm"), `$1${to}`);

/** py_assign of one plain string. */
const setPython = (key: string, value: string) => (text: string): string => text.replace(new RegExp(`^${key}\\s*=.*$`, "m"), `${key} = '${value}'`);

/** swap_domain on nginx: every server_name argument that is `old`. */
const swapServerName = (old: string, to: string) => (text: string): string =>
  text.replace(/^([ \t]*server_name[ \t]+)([^;#\n]*)(;)/gm, (_m, head: string, args: string, end: string) => `${head}${args.replace(/\S+/g, (n) => (n.toLowerCase() === old.toLowerCase() ? to : n))}${end}`);

/** swap_domain on the agent's YAML: settings.CONTROLLER_SERVER_URL's host. */
const swapControllerUrl = (old: string, to: string) => (text: string): string =>
  text.replace(new RegExp(`^([ \\t]*CONTROLLER_SERVER_URL:[ \\t]*['"]?[a-z][a-z0-9+.-]*://)${esc(old)}(?=[:/'"\\s])`, "gm"), `$1${to}`);

const seq = (...edits: ((text: string) => string)[]) => (text: string): string => edits.reduce((t, e) => e(t), text);

/**
 * The files playbooks/change-domain.yaml reads on a ce5 host with these roles (cc_host/job_host not given), with
 * its edits once the old domain is known. ESB's values are internal addresses on ce5: read, left as they are.
 */
export function editsFor(roles: readonly SandboxRole[], old: string): FileEdit[] {
  const edits: FileEdit[] = [];
  if (roles.includes("paas")) {
    edits.push(
      { path: PAAS_SETTINGS, edit: seq(swapPython(["PAAS_DOMAIN"], old, NEW_DOMAIN), setPython("BK_COOKIE_DOMAIN", COOKIE_DOMAIN)), handler: "restart paas" },
      { path: LOGIN_SETTINGS, edit: seq(swapPython(["PAAS_DOMAIN"], old, NEW_DOMAIN), setPython("BK_COOKIE_DOMAIN", COOKIE_DOMAIN)), handler: "restart login" },
      { path: ESB_SETTINGS, edit: swapPython(["HOST_BK_LOGIN", "PAAS_HOST", "PAAS_DOMAIN"], old, NEW_DOMAIN), handler: "restart esb" },
    );
  }
  if (roles.includes("nginx")) edits.push({ path: NGINX_PAAS_CONF, edit: swapServerName(old, NEW_DOMAIN), validate: true, handler: "reload nginx" });
  if (roles.includes("appo") || roles.includes("appt")) edits.push({ path: AGENT_CONFIG, edit: swapControllerUrl(old, NEW_DOMAIN), handler: "restart agent" });
  return edits;
}

/**
 * The command each handler runs on a ce5 host, as bkplay's service step finds it: supervisorctl (open_paas's
 * virtualenv one for open_paas, the one on PATH for the agent's own supervisor), and the host's nginx on PATH.
 */
export function handlerCommand(handler: Handler, root: string): string {
  const openPaas = (program: string): string => `${root}/.envs/open_paas/bin/supervisorctl -c ${root}/etc/supervisor-open_paas.conf restart ${program}`;
  switch (handler) {
    case "restart paas":
      return openPaas("paas");
    case "restart login":
      return openPaas("login");
    case "restart esb":
      return openPaas("esb");
    case "reload nginx":
      return "nginx -s reload";
    case "restart agent":
      return `supervisorctl -c ${root}/etc/supervisor-paas_agent.conf restart paas_agent`;
  }
}

/** playbooks/change-domain.yaml's default nginx_test, with the candidate's path for %s. */
export function nginxTest(candidate: string): string {
  return `d=$(mktemp -d) && echo "pid $d/pid; events {} http { log_format main '\\$remote_addr'; include ${candidate}; }" > "$d/nginx.conf" && nginx -q -t -e stderr -c "$d/nginx.conf"; r=$?; rm -rf "$d"; exit $r`;
}
