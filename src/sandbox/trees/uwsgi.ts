import type { TreeContext } from "./context.js";

/**
 * `$ROOT/etc/uwsgi-open_paas-<module>.ini`, which bkce 5.x's supervisor and 6.x's systemd units start uwsgi
 * with (shape of bk-install's template): the module serves HTTP on the host's LAN address at its port, and logs
 * into logs/open_paas (PAAS_LOGGING_DIR, where esb.log and login.log land).
 */
export function uwsgiIni(ctx: TreeContext, module: keyof TreeContext["paasPorts"]): string {
  return `[uwsgi]
http = ${ctx.lanIp}:${ctx.paasPorts[module]}
chdir = ${ctx.root}/open_paas/${module}
module = wsgi:application
env = BK_ENV=production
env = PAAS_LOGGING_DIR=${ctx.root}/logs/open_paas
master = true
processes = 4
logto = ${ctx.root}/logs/open_paas/${module}_uwsgi.log
`;
}
