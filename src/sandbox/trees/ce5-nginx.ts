import { nginxScript, type NginxSetup } from "../standins/nginx.js";
import { dir, file, script, type TreeEntry } from "../tree-entry.js";
import { uwsgiParams } from "./agent-nginx.js";
import { CE5_DOMAIN } from "./ce5-paas.js";
import { isAgent, isFront, listenOf, type TreeContext } from "./context.js";
import { mainNginxConf, oneServerPaasConf } from "./nginx-paas-conf.js";

/** bkce 5.x: the system nginx (/usr/sbin/nginx, as seed 000 reloads it) includes $INSTALL_PATH/etc/nginx/paas.conf. */
export const ce5NginxSetup = (ctx: TreeContext): NginxSetup => ({
  prefix: `${ctx.sysroot}/etc/nginx`,
  errorLog: `${ctx.sysroot}/var/log/nginx/error.log`,
  conf: `${ctx.sysroot}/etc/nginx/nginx.conf`,
});

/**
 * The host's system nginx: one per host, serving PaaS's paas.conf (nginx role) and the agent's paasagent.conf
 * (appo, appt; seed 000 reloads the appt's from $INSTALL_PATH/etc/nginx), both in $INSTALL_PATH/etc/nginx.
 */
export function ce5SystemNginx(ctx: TreeContext): TreeEntry[] {
  const setup = ce5NginxSetup(ctx);
  return [
    file("/etc/nginx/nginx.conf", mainNginxConf({
      pid: `${ctx.sysroot}/run/nginx.pid`,
      errorLog: setup.errorLog,
      accessLog: `${ctx.sysroot}/var/log/nginx/access.log`,
      includes: [...(isFront(ctx) ? [`${ctx.root}/etc/nginx/paas.conf`] : []), ...(isAgent(ctx) ? [`${ctx.root}/etc/nginx/paasagent.conf`] : [])],
      defaultServer: isFront(ctx) ? { listen: listenOf(ctx), unknownName: "404" } : null,
    })),
    uwsgiParams("/etc/nginx"),
    script("/usr/sbin/nginx", nginxScript(setup, `${ctx.root}/logs/nginx.log`, ctx.realNginx)),
    dir("/var/log/nginx"),
    // The pid's folder (nginx -t opens the pid file); the fleet makes it a link to the host's /run.
    dir("/run"),
    dir("logs/nginx"),
  ];
}

export function ce5NginxFiles(ctx: TreeContext): TreeEntry[] {
  return [
    file("etc/nginx/paas.conf", oneServerPaasConf({
      where: "bkce 5.x: $INSTALL_PATH/etc/nginx/paas.conf",
      listen: listenOf(ctx),
      names: `${CE5_DOMAIN} paas.service.consul`,
      accessLog: `${ctx.root}/logs/nginx/paas_access.log`,
    })),
    ...ce5SystemNginx(ctx),
  ];
}
