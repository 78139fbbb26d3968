import type { Generation } from "./layouts.js";

/** open_paas's modules and the ports they listen on by default (bk-install bin/default/port.yaml; BKDocs 5.x). */
export const PAAS_PORTS = { appengine: 8000, paas: 8001, esb: 8002, login: 8003, console: 8004, apigw: 8005 } as const;

/**
 * Each module's healthz on its own port, as bk-install's health_check/check_consul_svc_health.sh calls it
 * (through the domain, nginx adds /login, /api or /v1 in front).
 */
export const HEALTHZ_PATHS = { appengine: "/v1/healthz/", paas: "/healthz/", esb: "/healthz/", login: "/healthz/", console: "/console/healthz/" } as const;
export type HealthzModule = keyof typeof HEALTHZ_PATHS;

/** The modules with a healthz a generation runs: console (the desktop) is a bkce 6.x module. */
export const healthzModules = (g: Generation): HealthzModule[] => (g === "ce6" ? ["appengine", "paas", "esb", "login", "console"] : ["appengine", "paas", "esb", "login"]);

/**
 * Where a module's uwsgi config is, relative to the install root: bkce 5.x (BKDocs 5.1 configuration.md:
 * `#etc#uwsgi-open_paas-<工程名>.ini`, run by supervisor-open_paas.conf) and 6.x (bk-install's templates, run by
 * bk-paas-<module>.service) both keep `http = <ip>:<port>` there; the seeds' layout names no such file.
 */
export const uwsgiIniOf = (g: Generation, module: HealthzModule): string | null => (g === "oss" ? null : `etc/uwsgi-open_paas-${module}.ini`);
