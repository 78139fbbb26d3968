import type { SandboxRole } from "../src/sandbox/bk-tree.js";

/** One file change-domain edits on a host, as the floor does it: plain regex replacements. */
export interface FileEdit {
  /** Relative to the host's paas_root. */
  path: string;
  rules: { re: RegExp; to: string }[];
  /** nginx -t on the candidate before it replaces the live file. */
  validate?: true;
  handler: "restart paas" | "reload nginx" | "restart agent";
}

export const NEW_DOMAIN = "paas.example.com";
export const COOKIE_DOMAIN = ".example.com";

const pyAssign = (name: string, value: string): { re: RegExp; to: string } => ({ re: new RegExp(`^${name}\\s*=.*$`, "m"), to: `${name} = '${value}'` });

/** The edits playbooks/change-domain.yaml makes on a host with these roles (cc_host/job_host not given). */
export function editsFor(roles: readonly SandboxRole[]): FileEdit[] {
  const edits: FileEdit[] = [];
  if (roles.includes("paas")) {
    edits.push(
      { path: "open_paas/paas/conf/settings_production.py", rules: [pyAssign("PAAS_DOMAIN", NEW_DOMAIN), pyAssign("BK_COOKIE_DOMAIN", COOKIE_DOMAIN)], handler: "restart paas" },
      { path: "open_paas/login/conf/settings_production.py", rules: [pyAssign("BK_COOKIE_DOMAIN", COOKIE_DOMAIN)], handler: "restart paas" },
      { path: "open_paas/esb/configs/default.py", rules: [pyAssign("HOST_BK_LOGIN", NEW_DOMAIN)], handler: "restart paas" },
    );
  }
  if (roles.includes("nginx")) {
    edits.push({ path: "etc/nginx/paas.conf", rules: [{ re: /^(\s*server_name\s+)[^\s;]+/gm, to: `$1${NEW_DOMAIN}` }], validate: true, handler: "reload nginx" });
  }
  if (roles.includes("appo") || roles.includes("appt")) {
    edits.push({
      path: "paas_agent/paas_agent/etc/paas_agent_config.yaml",
      rules: [{ re: /^(\s*CONTROLLER_SERVER_URL:\s*['"]?https?:\/\/)[^/'"\s]+/gm, to: `$1${NEW_DOMAIN}` }],
      handler: "restart agent",
    });
  }
  return edits;
}

/** The handler commands, as the bench passes them to every tool (nginx is not running in the sandbox). */
export function handlerCommand(handler: FileEdit["handler"], root: string): string {
  switch (handler) {
    case "restart paas":
      return `${root}/open_paas/bin/dashboard.sh restart all`;
    case "reload nginx":
      return "true";
    case "restart agent":
      return `${root}/paas_agent/paas_agent/bin/paas_agent restart`;
  }
}

/** playbooks/change-domain.yaml's default nginx_test, with the candidate's path for %s. */
export function nginxTest(candidate: string): string {
  return `d=$(mktemp -d) && echo "pid $d/pid; events {} http { include ${candidate}; }" > "$d/nginx.conf" && nginx -q -t -e stderr -c "$d/nginx.conf"; r=$?; rm -rf "$d"; exit $r`;
}
