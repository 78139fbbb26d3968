import { join } from "node:path";
import type { Generation } from "../../generations/layouts.js";
import type { HealthzModule } from "../../generations/paas-modules.js";
import { HEALTHZ_PATHS } from "../../generations/paas-modules.js";

/**
 * What a PaaS host's open_paas modules answer on their own ports, for doctor's paas.healthz: one python3
 * (stdlib) process per host, one listener per module, each answering its healthz path the way that
 * generation's code does (legacy-bk-paas: paas-ce for the seeds' layout and bkce 5.x, paas2 for bkce 6.x;
 * blueking-console for console), and 404 for any other path:
 *   - paas-ce: paas `{"result": true}`, or HTTP 500 with its message as text (the only one that fails by
 *     status); login `{"result", "bk_error_code", "bk_error_msg", "data"}`; esb `{"ok", "code": "1306000",
 *     "message", "data"}`; appengine `{"result", "message", "data"}`.
 *   - paas2: paas, login, console `{"ok", "code:": "13010xx", "message", "data"}` (the key is spelt with a
 *     colon upstream); weak checks (redis…) leave `ok` true and say so in `data`; esb as paas-ce's;
 *     appengine `{"code": 1304xxx, "ok", "message", "data"}`, whose paas_agent failure names the agent's sid
 *     and token in clear.
 * A module answers healthy until a fault is written to its file under the host's /run (healthzFaultFile):
 * `database` (any module: its database is down), `paas_agent` (appengine: an agent does not answer),
 * `redis` (paas2 paas: a weak dependency down), `hang` (accepts, never answers). A fault the module's
 * code cannot report is answered with a 500 that says so.
 */
export const HEALTHZ_FAULTS = ["database", "paas_agent", "redis", "hang"] as const;
export type HealthzFault = (typeof HEALTHZ_FAULTS)[number];

export const HEALTHZ_SERVER = String.raw`# bkplay sandbox: open_paas healthz stand-in (see src/sandbox/standins/healthz.ts)
import json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONF = json.load(open(sys.argv[1]))
os.makedirs(CONF["faults"], exist_ok=True)
DB = "(2003, \"Can't connect to MySQL server on '%s' ([Errno 111] Connection refused)\")" % CONF["db_host"]
AGENT = CONF["agents"][0] if CONF["agents"] else {"url": "http://127.0.0.1:4245", "sid": "", "token": ""}

def js(body, status=200):
    return status, "application/json", json.dumps(body)

def paas2(code, ok, message, data):
    return js({"ok": ok, "code:": code, "message": message, "data": data})

def paas_ce(module, fault):
    if module == "paas":
        if fault == "database":
            return 500, "text/html; charset=utf-8", "数据库连接存在问题: %s" % DB
        return js({"result": True}) if not fault else None
    if module == "login":
        if fault == "database":
            return js({"result": False, "bk_error_code": 1302002, "bk_error_msg": "数据库连接存在问题: %s" % DB, "data": {}})
        return js({"result": True, "bk_error_code": 0, "bk_error_msg": "", "data": {"settings": "ok", "database": "ok"}}) if not fault else None
    if module == "esb":
        if fault == "database":
            return js({"ok": False, "code": "1306000", "message": "数据库连接出现异常：%s" % DB, "data": {}})
        return js({"ok": True, "code": "1306000", "message": "OK", "data": {}}) if not fault else None
    if module == "appengine":
        if fault == "database":
            return js({"result": False, "message": "database health check failed! database connection exception %s" % DB, "data": {}})
        if fault == "paas_agent":
            host = AGENT["url"].split("//")[-1].split(":")[0]
            return js({"result": False, "message": "paasagent health check failed, error: %s agent return not zero" % host, "data": {}})
        return js({"result": True, "message": "", "data": {}}) if not fault else None

def paas_2(module, fault):
    if module in ("paas", "login", "console"):
        base = {"paas": "1301", "login": "1302", "console": "1303"}[module]
        if fault == "database":
            return paas2(base + "002", False, "数据库连接存在问题: %s" % DB, {})
        data = {"settings": "ok", "database": "ok"}
        if module == "paas":
            data.update({"hosts": "ok", "reids": "ok", "paas_agent_test": "ok", "third_server": "ok", "database bksuite": "ok"})
            if fault == "redis":
                del data["reids"]
                data["redis"] = "1301004 Redis连接存在问题: Error 111 connecting to 127.0.0.1:6379. Connection refused.; 将导致监控告警不可用"
                return paas2(base + "000", True, "OK", data)
        if module == "console":
            data.update({"hosts": "ok", "database bksuite": "ok"})
        return paas2(base + "000", True, "OK", data) if not fault else None
    if module == "esb":
        if fault == "database":
            return js({"ok": False, "code": "1306000", "message": "Exceptions occurred in database connection: %s" % DB, "data": {}})
        return js({"ok": True, "code": "1306000", "message": "OK", "data": {}}) if not fault else None
    if module == "appengine":
        if fault == "database":
            msg = "Database health check failed! Database connection exception %s" % DB
            return js({"code": 1304001, "ok": False, "message": msg, "data": {"mysql": msg}})
        if fault == "paas_agent":
            msg = "paasagent healthz FAIL! Request exception! url=%s/v1/app/healthz, sid=%s, token=%s, error=%s" % (
                AGENT["url"], AGENT["sid"], AGENT["token"], "HTTPConnectionPool: Max retries exceeded ([Errno 111] Connection refused)")
            return js({"code": 1304104, "ok": False, "message": msg, "data": {"paas_agent": msg}})
        return js({"code": 1304000, "ok": True, "message": "", "data": {}}) if not fault else None

ANSWER = {"paas-ce": paas_ce, "paas2": paas_2}[CONF["dialect"]]

def fault_of(module):
    try:
        with open(os.path.join(CONF["faults"], module)) as f:
            return f.read().strip()
    except OSError:
        return ""

def handler(module, path):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path.split("?")[0] != path:
                return self.send(404, "text/html", "<h1>Not Found</h1><p>The requested resource was not found on this server.</p>")
            fault = fault_of(module)
            if fault == "hang":
                time.sleep(600)
                return
            answer = ANSWER(module, fault)
            if answer is None:
                answer = (500, "text/plain", "bkplay sandbox: %s cannot report fault %r" % (module, fault))
            self.send(*answer)

        def send(self, status, ctype, body):
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
    return Handler

servers = []
for name, m in CONF["modules"].items():
    s = ThreadingHTTPServer(("127.0.0.1", m["port"]), handler(name, m["path"]))
    s.daemon_threads = True
    servers.append(s)
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
servers[0].serve_forever()
`;

/** paas-ce answers for the seeds' layout and bkce 5.x, paas2 for bkce 6.x. */
export const dialectOf = (g: Generation): "paas-ce" | "paas2" => (g === "ce6" ? "paas2" : "paas-ce");

export interface HealthzConfig {
  dialect: "paas-ce" | "paas2";
  modules: Record<string, { port: number; path: string }>;
  /** The folder of the fault files. */
  faults: string;
  /** The database host the modules' settings name (their failure messages quote it). */
  db_host: string;
  /** The install's agents, as App Engine has them registered (its paas_agent failure names the first). */
  agents: { url: string; sid: string; token: string }[];
}

/** Where the host's healthz stand-in keeps its script, config and faults: its /run, outside its files. */
export const healthzDir = (sysroot: string): string => join(sysroot, "run", "bk-healthz");

/** The file a test writes a fault name into to make `module` unhealthy; remove it to heal. */
export const healthzFaultFile = (sysroot: string, module: HealthzModule): string => join(healthzDir(sysroot), "faults", module);

export function healthzConfig(sysroot: string, g: Generation, ports: Partial<Record<HealthzModule, number>>, dbHost: string, agents: HealthzConfig["agents"]): HealthzConfig {
  const modules = Object.fromEntries(Object.entries(ports).map(([m, port]) => [m, { port, path: HEALTHZ_PATHS[m as HealthzModule] }]));
  return { dialect: dialectOf(g), modules, faults: join(healthzDir(sysroot), "faults"), db_host: dbHost, agents };
}
