/**
 * Pieces of PaaS's nginx paas.conf shared by the generations (layouts per BKDocs 5.0.4 and bk-install's
 * consul-template source). Every upstream is 127.0.0.1: all sandbox hosts are, and nginx must never dial
 * a LAN address from here.
 */

export interface Upstream {
  name: string;
  port: number;
}

export const PAAS_UPSTREAMS: readonly Upstream[] = [
  { name: "OPEN_PAAS_APPENGINE", port: 8000 },
  { name: "OPEN_PAAS", port: 8001 },
  { name: "OPEN_PAAS_ESB", port: 8002 },
  { name: "OPEN_PAAS_LOGIN", port: 8003 },
];

export const upstreams = (list: readonly Upstream[]): string =>
  list.map((u) => `upstream ${u.name} {\n    server 127.0.0.1:${u.port} max_fails=1 fail_timeout=30s;\n}\n`).join("");

/** A proxied location with the headers PaaS's blocks all set. */
export function proxied(match: string, target: string, comment: string): string {
  return `    # ============================ ${comment} ============================
    location ${match} {
        proxy_pass ${target};
        proxy_pass_header Server;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Scheme $scheme;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $http_host;
        proxy_set_header Host $http_host;
        proxy_redirect off;
        proxy_read_timeout 600;
    }
`;
}

/** The open_paas locations every generation's server block has (paas, appengine, login). */
export const OPEN_PAAS_LOCATIONS = [
  proxied("/", "http://OPEN_PAAS", "paas"),
  proxied("~ ^/v1", "http://OPEN_PAAS_APPENGINE", "appengine"),
  proxied("~ ^/login/(.*)", "http://OPEN_PAAS_LOGIN/$1$is_args$args", "login"),
];

export const NEXT_UPSTREAM = "proxy_next_upstream  http_502 http_504 error timeout invalid_header;\n";

/** `log_format main`, which ce6's paas.conf uses and nginx.conf defines. */
export const LOG_FORMAT_MAIN = `    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';
`;

const AGENT_UPSTREAMS = `# 正式环境 SaaS: appo 上 paas_agent 的 nginx
upstream PAAS_AGENT_PROD {
    server 127.0.0.1:8010 max_fails=1 fail_timeout=30s;
}
# 测试环境 SaaS: appt 上 paas_agent 的 nginx
upstream PAAS_AGENT_TEST {
    server 127.0.0.1:8010 max_fails=1 fail_timeout=30s;
}
`;

/** paas.conf with one server block (paas-ce's example, bkce 5.x): `names` is its whole server_name list. */
export function oneServerPaasConf(o: { where: string; listen: string; names: string; accessLog: string }): string {
  return `# 蓝鲸 PaaS 的 nginx 入口 (${o.where}), 由 nginx.conf 的 http {} 引入
# open_paas 各工程的 upstream, 端口为默认值
${upstreams(PAAS_UPSTREAMS)}
${AGENT_UPSTREAMS}
${NEXT_UPSTREAM}
server {
    listen ${o.listen};
    server_name  ${o.names};

    client_max_body_size    512m;
    access_log  ${o.accessLog};

${[
    ...OPEN_PAAS_LOCATIONS,
    proxied("~ ^/api/(.*)", "http://OPEN_PAAS_ESB/$1$is_args$args", "esb"),
    proxied("~ ^/t/", "http://PAAS_AGENT_TEST", "SaaS 测试环境"),
    proxied("~ ^/o/", "http://PAAS_AGENT_PROD", "SaaS 正式环境"),
  ].join("\n")}}
`;
}

/**
 * An nginx.conf of one host: its own pid and logs, `log_format main`, and the server blocks it includes: PaaS's
 * (with a default server, so a name no block serves gets this one) on the nginx host, the agent's on appo/appt.
 */
export function mainNginxConf(o: { pid: string; errorLog: string; accessLog: string; includes: readonly string[]; defaultServer: { listen: string; unknownName: string } | null }): string {
  const fallback = o.defaultServer === null ? "" : `
    # a name no server block serves gets this one, not the first paas.conf block
    server {
        listen      ${o.defaultServer.listen} default_server;
        server_name _;
        return      ${o.defaultServer.unknownName};
    }
`;
  return `# nginx.conf of this host (the sandbox runs the machine's nginx with it)
worker_processes  1;
error_log  ${o.errorLog};
pid        ${o.pid};

events {
    worker_connections  256;
}

http {
    default_type  application/octet-stream;
${LOG_FORMAT_MAIN}
    access_log  ${o.accessLog}  main;
    sendfile        on;
    keepalive_timeout  65;
    server_tokens   off;
${fallback}
${o.includes.map((i) => `    include ${i};\n`).join("")}}
`;
}
