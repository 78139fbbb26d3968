import { standInScript } from "./tree-entry.js";
import type { TreeEntry } from "./tree-entry.js";

function paasConf(root: string): string {
  return `# 蓝鲸 PaaS 平台入口, 由 nginx.conf 的 http {} 引入
upstream OPEN_PAAS_APPENGINE {
    server 127.0.0.1:8000 max_fails=1 fail_timeout=30s;
}
upstream OPEN_PAAS {
    server 127.0.0.1:8001 max_fails=1 fail_timeout=30s;
}
upstream OPEN_PAAS_ESB {
    server 127.0.0.1:8002 max_fails=1 fail_timeout=30s;
}
upstream OPEN_PAAS_LOGIN {
    server 127.0.0.1:8003 max_fails=1 fail_timeout=30s;
}
# 正式环境 paas_agent (appo)
upstream PAAS_AGENT_PROD {
    server 127.0.0.1:8010 max_fails=1 fail_timeout=30s;
}
# 测试环境 paas_agent (appt)
upstream PAAS_AGENT_TEST {
    server 127.0.0.1:8010 max_fails=1 fail_timeout=30s;
}

server {
    listen 80;
    server_name paas.bk.com paas.service.consul;

    client_max_body_size 512m;
    access_log ${root}/logs/nginx/paas_access.log;

    # ============================ paas ============================
    location / {
        proxy_pass http://OPEN_PAAS;
        proxy_pass_header Server;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Scheme $scheme;
        proxy_set_header Host $http_host;
        proxy_redirect off;
        proxy_read_timeout 600;
    }
    # ============================ appengine ============================
    location ~ ^/v1 {
        proxy_pass http://OPEN_PAAS_APPENGINE;
        proxy_set_header Host $http_host;
    }
    # ============================ esb ============================
    location ~ ^/api/(.*) {
        proxy_pass http://OPEN_PAAS_ESB/api/$1$is_args$args;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header Host $http_host;
    }
    # ============================ login ============================
    location ~ ^/login/(.*) {
        proxy_pass http://OPEN_PAAS_LOGIN/$1$is_args$args;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header Host $http_host;
    }
    # ============================ SaaS (prod / test) ============================
    location ~ ^/o/ {
        proxy_pass http://PAAS_AGENT_PROD;
        proxy_set_header Host $http_host;
        proxy_read_timeout 600;
    }
    location ~ ^/t/ {
        proxy_pass http://PAAS_AGENT_TEST;
        proxy_set_header Host $http_host;
        proxy_read_timeout 600;
    }
}
`;
}

/** The nginx front of a bkce 5.x install. */
export function nginxFiles(root: string): TreeEntry[] {
  return [
    { kind: "file", path: "etc/nginx/paas.conf", content: paasConf(root) },
    { kind: "dir", path: "logs/nginx" },
    { kind: "file", path: "bin/nginx", content: standInScript(1, "nginx.log", "nginx"), mode: 0o755 },
  ];
}
