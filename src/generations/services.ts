import { NODE_LAYOUT, placePath, type Generation } from "./layouts.js";

/** The services playbooks restart or reload, by the name BlueKing's docs use. */
export const SERVICES = ["paas", "login", "esb", "appengine", "console", "apigw", "paas_agent", "nginx", "gse_agent"] as const;
export type Service = (typeof SERVICES)[number];

/** One way a host may hold a service. The host decides which: the first whose traces exist is used. */
export type Method =
  | { kind: "systemd"; unit: string }
  | { kind: "supervisor"; conf: string; program: string; ctl: string }
  | { kind: "script"; path: string; args: string[] }
  | { kind: "binary"; name: string; args: string[] };

const SYSTEMD_DIRS = ["/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"];

export const unitPaths = (unit: string, sysroot: string): string[] => SYSTEMD_DIRS.map((d) => `${sysroot}${d}/${unit}`);

const OPEN_PAAS = new Set<Service>(["paas", "login", "esb", "appengine", "console", "apigw"]);

/**
 * Where each generation keeps a service: oss restarts through dashboard.sh (seeds); ce5 through the
 * supervisor of open_paas (BKDocs 5.0.4: `supervisorctl -c $INSTALL_PATH/etc/supervisor-open_paas.conf restart esb`,
 * the supervisorctl of the open_paas virtualenv) and, for the agent, whatever unit or program holds it;
 * ce6 through bk-install's systemd units (`bk-paas-<module>.service`, `bk-paasagent.service`).
 * The agent binary ignores its arguments (`paas_agent restart` starts a second agent): never called directly.
 * The GSE agent, on every generation's hosts, through node-man's `gsectl` beside it (setup_agent.sh starts and
 * stops it so). bkce 7.x runs PaaS in Kubernetes: its nodes (no install root) hold no PaaS service.
 */
export function methodsFor(g: Generation, service: Service, root: string | undefined, sysroot: string): Method[] {
  if (service === "gse_agent") return [{ kind: "script", path: `${sysroot}${NODE_LAYOUT.gsectl}`, args: [] }];
  if (g === "ce7" || root === undefined) return [];
  const at = (p: string): string => placePath(p, root, sysroot);
  const ctl = at(".envs/open_paas/bin/supervisorctl");
  if (service === "nginx") {
    if (g === "ce6") return [{ kind: "systemd", unit: "openresty.service" }, { kind: "script", path: "/usr/local/openresty/nginx/sbin/nginx", args: ["-s"] }];
    return [{ kind: "systemd", unit: "nginx.service" }, { kind: "binary", name: "nginx", args: ["-s"] }];
  }
  if (service === "paas_agent") {
    switch (g) {
      case "oss":
        return [{ kind: "script", path: at("paas_agent/bin/dashboard.sh"), args: ["all"] }];
      case "ce5":
        return [
          { kind: "systemd", unit: "paasagent.service" },
          { kind: "supervisor", conf: at("etc/supervisor-paas_agent.conf"), program: "paas_agent", ctl },
        ];
      case "ce6":
        return [{ kind: "systemd", unit: "bk-paasagent.service" }];
    }
  }
  if (!OPEN_PAAS.has(service)) return [];
  switch (g) {
    case "oss":
      return [{ kind: "script", path: at("open_paas/bin/dashboard.sh"), args: [service] }];
    case "ce5":
      return [{ kind: "supervisor", conf: at("etc/supervisor-open_paas.conf"), program: service, ctl }];
    case "ce6":
      return [{ kind: "systemd", unit: `bk-paas-${service}.service` }];
  }
}

/** Programs a supervisor config declares, as supervisorctl names them (`group:program` inside a group). */
export function supervisorPrograms(conf: string): Map<string, string> {
  const programs = new Map<string, string>();
  const groups = new Map<string, string>();
  let section = "";
  for (const raw of conf.split("\n")) {
    const line = raw.replace(/[;#].*$/, "").trim();
    const head = /^\[(program|group):([^\]]+)\]$/.exec(line);
    if (head) {
      section = `${head[1] ?? ""}:${(head[2] ?? "").trim()}`;
      if (head[1] === "program") programs.set((head[2] ?? "").trim(), (head[2] ?? "").trim());
      continue;
    }
    if (line.startsWith("[")) section = "";
    const members = /^programs\s*=\s*(.*)$/.exec(line);
    if (section.startsWith("group:") && members) for (const p of (members[1] ?? "").split(",")) groups.set(p.trim(), section.slice(6));
  }
  for (const [p, g] of groups) if (programs.has(p)) programs.set(p, `${g}:${p}`);
  return programs;
}
