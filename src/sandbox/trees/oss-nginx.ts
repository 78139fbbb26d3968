import { nginxScript, type NginxSetup } from "../standins/nginx.js";
import { dir, file, script, symlink, type TreeEntry } from "../tree-entry.js";
import { uwsgiParams } from "./agent-nginx.js";
import { isAgent, isFront, listenOf, type TreeContext } from "./context.js";
import { mainNginxConf, oneServerPaasConf } from "./nginx-paas-conf.js";

const HOME = "/usr/local/nginx";

/**
 * The seeds' nginx is an install of its own (`sbin/nginx -s reload` beside its `conf/paas.conf`); where is
 * not said, so the sandbox uses nginx's own default prefix, /usr/local/nginx, linked from /usr/sbin. No
 * BlueKing marker lies there: a host that only runs this nginx needs bk_generation pinned.
 */
export const ossNginxSetup = (ctx: TreeContext): NginxSetup => ({
  prefix: `${ctx.sysroot}${HOME}`,
  errorLog: `${ctx.sysroot}${HOME}/logs/error.log`,
  conf: `${ctx.sysroot}${HOME}/conf/nginx.conf`,
});

/**
 * The host's own nginx install: one per host, including PaaS's conf/paas.conf (nginx role) and the agent's
 * paasagent.conf where the agent keeps it (appo, appt; paas-ce's guide: include it into nginx.conf).
 */
export function ossNginxInstall(ctx: TreeContext): TreeEntry[] {
  const setup = ossNginxSetup(ctx);
  return [
    file(`${HOME}/conf/nginx.conf`, mainNginxConf({
      pid: "logs/nginx.pid",
      errorLog: setup.errorLog,
      accessLog: "logs/access.log",
      includes: [...(isFront(ctx) ? ["paas.conf"] : []), ...(isAgent(ctx) ? [`${ctx.root}/${OSS_AGENT_CONF}`] : [])],
      defaultServer: isFront(ctx) ? { listen: listenOf(ctx), unknownName: "404" } : null,
    })),
    uwsgiParams(`${HOME}/conf`),
    script(`${HOME}/sbin/nginx`, nginxScript(setup, `${ctx.root}/logs/nginx.log`, ctx.realNginx)),
    symlink("/usr/sbin/nginx", `${ctx.sysroot}${HOME}/sbin/nginx`),
    dir(`${HOME}/logs`),
  ];
}

export function ossNginxFiles(ctx: TreeContext): TreeEntry[] {
  return [
    file(`${HOME}/conf/paas.conf`, oneServerPaasConf({
      where: "nginx 安装目录的 conf/paas.conf",
      listen: listenOf(ctx),
      names: "paas.bk.com",
      accessLog: `${ctx.sysroot}${HOME}/logs/paas_access.log`,
    })),
    ...ossNginxInstall(ctx),
  ];
}

/** The agent's server block, under the agent's etc/ (paas-ce: `sed … nginx/paasagent.conf` there). */
export const OSS_AGENT_CONF = "paas_agent/etc/nginx/paasagent.conf";
