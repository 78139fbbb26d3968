import { file, type TreeEntry } from "../tree-entry.js";
import { agentListenOf, type TreeContext } from "./context.js";

/**
 * The agent's server block (paasagent.conf: paas-ce's etc/nginx sample, bk-install's consul-template source): PaaS's
 * nginx proxies /t/<app>/ and /o/<app>/ here, and it hands each to the app's uwsgi socket under `apps`; an app with
 * no uwsgi.pid (not deployed) is a 404.
 */
export function paasAgentConf(ctx: TreeContext, apps: string): string {
  return `# paas_agent 的 nginx: PaaS 的 nginx 将 /t/<app>/ (appt) 与 /o/<app>/ (appo) 转发到此端口
server {
    listen       ${agentListenOf(ctx)};
    server_name  localhost;

    client_max_body_size    512m;

    location ~ ^/(t|o)/([^/]+)/static/(.*)$ {
        alias ${apps}/$2/code/$2/static/$3;
    }

    location ~ ^/(t|o)/([^/]+) {
        include uwsgi_params;

        if (!-f ${apps}/$2/run/uwsgi.pid) {
            return 404;
        }
        uwsgi_pass  unix:${apps}/$2/run/uwsgi.sock;
        uwsgi_param SCRIPT_NAME /$1/$2;
        uwsgi_read_timeout 300;
        uwsgi_modifier1 30;
    }
}
`;
}

/** What nginx passes to a uwsgi app (nginx ships this file beside nginx.conf; the agent's block includes it). */
const UWSGI_PARAMS = ["QUERY_STRING $query_string", "REQUEST_METHOD $request_method", "CONTENT_TYPE $content_type", "CONTENT_LENGTH $content_length", "REQUEST_URI $request_uri", "PATH_INFO $document_uri", "DOCUMENT_ROOT $document_root", "SERVER_PROTOCOL $server_protocol", "REMOTE_ADDR $remote_addr", "REMOTE_PORT $remote_port", "SERVER_PORT $server_port", "SERVER_NAME $server_name"];

export const uwsgiParams = (confDir: string): TreeEntry => file(`${confDir}/uwsgi_params`, UWSGI_PARAMS.map((p) => `uwsgi_param  ${p};\n`).join(""));
