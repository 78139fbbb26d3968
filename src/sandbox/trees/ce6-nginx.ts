import { nginxScript, type NginxSetup } from "../standins/nginx.js";
import { dir, file, script, symlink, type TreeEntry } from "../tree-entry.js";
import { CE6_DOMAIN } from "./ce6-paas.js";
import { ce6NodeFiles, UNIT_DIR } from "./ce6-system.js";
import { paasAgentConf, uwsgiParams } from "./agent-nginx.js";
import { isFront, listenOf, type TreeContext } from "./context.js";
import { mainNginxConf, NEXT_UPSTREAM, OPEN_PAAS_LOCATIONS, PAAS_UPSTREAMS, proxied, upstreams } from "./nginx-paas-conf.js";

const HOME = "/usr/local/openresty/nginx";

/** bk-install's openresty (install_openresty.sh): nginx.conf in its conf/, paas.conf in conf/conf.d/, pid in logs/. */
export const ce6NginxSetup = (ctx: TreeContext): NginxSetup => ({
  prefix: `${ctx.sysroot}${HOME}`,
  errorLog: `${ctx.root}/logs/nginx/error.log`,
  conf: `${ctx.sysroot}${HOME}/conf/nginx.conf`,
});

/** SaaS locations: consul-template writes one upstream per app (app_upstream.conf), named after it. */
const SAAS_LOCATIONS = `    # ============================ paas_agent ============================
    location ~ ^/t/([^/]+) {
        set $a '.';
        set $test_app "t$a$1";
        proxy_pass http://$test_app;
        proxy_set_header Host $http_host;
        proxy_read_timeout 600;
    }
    location ~ ^/o/([^/]+) {
        set $app "$1";
        proxy_pass http://$app;
        proxy_set_header Host $http_host;
        proxy_read_timeout 600;
    }
`;

function serverBlock(ctx: TreeContext, name: string, log: string, saas: boolean): string {
  const locations = [
    ...OPEN_PAAS_LOCATIONS,
    proxied("~ ^/api/apigw/(.*)", "http://OPEN_PAAS_APIGW/api/$1$is_args$args", "apigw-api"),
    proxied("~ ^/api/c/(.*)", "http://OPEN_PAAS_ESB/c/$1$is_args$args", "esb"),
    proxied("~ ^/api/(.*)", "http://BK_APIGATEWAY", "bk-apigateway"),
    proxied("~ ^/console/(.*)", "http://OPEN_PAAS_CONSOLE/console/$1$is_args$args", "console"),
  ];
  return `server {
    listen ${listenOf(ctx)};
    server_name  ${name};

    client_max_body_size    2048m;
    access_log  ${ctx.root}/logs/nginx/${log}_access.log main;
    error_log   ${ctx.root}/logs/nginx/${log}_error.log error;

${locations.join("\n")}
${saas ? SAAS_LOCATIONS : ""}}
`;
}

/** conf.d/paas.conf as consul-template renders it: one block for the public name, one for paas.service.consul. */
function paasConf(ctx: TreeContext): string {
  return `# 由 consul-template 根据 consul kv (bkcfg/fqdn/paas 等) 渲染, 手工修改会在下次渲染时被覆盖
${upstreams([...PAAS_UPSTREAMS, { name: "OPEN_PAAS_CONSOLE", port: 8004 }, { name: "OPEN_PAAS_APIGW", port: 8005 }, { name: "BK_APIGATEWAY", port: 6006 }])}
${NEXT_UPSTREAM}proxy_connect_timeout 3;

${serverBlock(ctx, CE6_DOMAIN, "paas_web", true)}
${serverBlock(ctx, "paas.service.consul", "paas_api", true)}`;
}

/** The openresty package's unit: reload signals the master whose pid the PIDFile holds. */
const OPENRESTY_UNIT = `[Unit]
Description=The OpenResty Application Platform
After=syslog.target network-online.target remote-fs.target nss-lookup.target
Wants=network-online.target

[Service]
Type=forking
PIDFile=${HOME}/logs/nginx.pid
ExecStartPre=${HOME}/sbin/nginx -t
ExecStart=${HOME}/sbin/nginx
ExecReload=/bin/kill -s HUP $MAINPID
ExecStop=/bin/kill -s QUIT $MAINPID
PrivateTmp=true

[Install]
WantedBy=multi-user.target
`;

/**
 * bk-install's openresty on a host: one per host, including every conf.d/*.conf consul-template renders: PaaS's
 * paas.conf (nginx role) and the agent's paasagent.conf (appo, appt).
 */
export function ce6Openresty(ctx: TreeContext): TreeEntry[] {
  const setup = ce6NginxSetup(ctx);
  return [
    file(`${HOME}/conf/nginx.conf`, mainNginxConf({
      pid: "logs/nginx.pid",
      errorLog: setup.errorLog,
      accessLog: `${ctx.root}/logs/nginx/access.log`,
      includes: ["conf.d/*.conf"],
      // bk-install's nginx.conf closes such connections without a response.
      defaultServer: isFront(ctx) ? { listen: listenOf(ctx), unknownName: "444" } : null,
    })),
    uwsgiParams(`${HOME}/conf`),
    script(`${HOME}/sbin/nginx`, nginxScript(setup, `${ctx.root}/logs/nginx.log`, ctx.realNginx)),
    symlink("/usr/bin/openresty", `${ctx.sysroot}${HOME}/sbin/nginx`),
    file(`${UNIT_DIR}/openresty.service`, OPENRESTY_UNIT),
    dir(`${HOME}/logs`),
    dir("logs/nginx"),
    ...ce6NodeFiles(ctx),
  ];
}

export function ce6NginxFiles(ctx: TreeContext): TreeEntry[] {
  return [file(`${HOME}/conf/conf.d/paas.conf`, paasConf(ctx)), ...ce6Openresty(ctx)];
}

/** The agent's block, where install_consul_template.sh has consul-template render it. */
export const ce6AgentNginxFiles = (ctx: TreeContext): TreeEntry[] => [
  file(`${HOME}/conf/conf.d/paasagent.conf`, paasAgentConf(ctx, `${ctx.root}/paas_agent/apps/projects`)),
  ...ce6Openresty(ctx),
];
