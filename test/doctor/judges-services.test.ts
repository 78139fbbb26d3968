import { expect } from "chai";
import { startupErrors } from "../../src/doctor/checks/agent-startup.js";
import { importFailures } from "../../src/doctor/checks/esb-components.js";
import { datadirProblems } from "../../src/doctor/checks/mysql-datadir.js";
import { accountFor, privilegesOf } from "../../src/doctor/checks/mysql-grants.js";
import { inventoryAddress, jsonVerdict, moduleHealth } from "../../src/doctor/checks/paas-healthz.js";
import { onlinePipLines } from "../../src/doctor/checks/pip-offline.js";
import type { Gathered } from "../../src/doctor/gather.js";
import { parseHttp, repliesOf, type Reply } from "../../src/doctor/http-probe.js";
import { judgeFleet } from "../../src/doctor/judge.js";
import type { Grant } from "../../src/doctor/mysql-read.js";
import type { Check } from "../../src/doctor/types.js";
import type { Host } from "../../src/inventory/types.js";
import { memoryFacts } from "../support/memory-facts.js";

const http = (head: string, body: string): Buffer => Buffer.from(`${head}\r\n\r\n${body}`, "utf8");
const answered = (status: number, contentType: string, body: string): Reply => ({ kind: "answered", answer: { status, contentType, body } });

describe("doctor's service judgements (pure)", () => {
  it("HTTP answers as read off the wire: headers, a chunked body joined, bytes that are not HTTP", () => {
    expect(parseHttp(http("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14", '{"result":true}'))).to.deep.equal({ status: 200, contentType: "application/json", body: '{"result":true}' });
    expect(parseHttp(http("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked", "4\r\n{\"ok\r\n6\r\n\":true\r\n1\r\n}\r\n0\r\n\r\n"))?.body).to.equal('{"ok":true}');
    expect(parseHttp(Buffer.from("SSH-2.0-OpenSSH_9.2\r\n"))).to.equal(undefined);
    const b64 = (s: string): string => Buffer.from(s).toString("base64");
    const replies = repliesOf(["get\ta\t7\t", "get\tb\t124\t", "get\tc\t5\t", "get\td\t0\t", `get\te\t0\t${b64("garbage")}`, `get\tf\t0\t${b64("HTTP/1.0 404 Not Found\r\n\r\nx")}`].join("\n"));
    expect([...replies].map(([k, r]) => `${k} ${r.kind}`)).to.deep.equal(["a refused", "b timeout", "c connected", "d closed", "e garbled", "f answered"]);
  });

  it("healthz JSON in both dialects: ok or result; code, `code:` (sic) or bk_error_code; weak checks in data", () => {
    expect(jsonVerdict('{"result": false, "bk_error_code": 1302002, "bk_error_msg": "db down", "data": {}}')).to.deep.equal({ healthy: false, code: "1302002", message: "db down", weak: [] });
    expect(jsonVerdict('{"ok": false, "code:": "1301002", "message": "db down", "data": {}}')).to.deep.equal({ healthy: false, code: "1301002", message: "db down", weak: [] });
    expect(jsonVerdict('{"code": 1304000, "ok": true, "message": "", "data": {}}')).to.deep.equal({ healthy: true, code: "1304000", weak: [] });
    expect(jsonVerdict('{"ok": true, "code:": "1301000", "message": "OK", "data": {"settings": "ok", "reids": "ok", "paas_agent_prod": "WARNING: 1301005 none"}}')?.weak).to.deep.equal([["paas_agent_prod", "WARNING: 1301005 none"]]);
    expect(jsonVerdict('{"status": "UP"}')).to.equal(undefined);
    expect(jsonVerdict("[true]")).to.equal(undefined);
    expect(jsonVerdict("<html>")).to.equal(undefined);
  });

  it("a module is judged by what it says: paas-ce paas's 500 text is its verdict, nginx's 500 page is something else", () => {
    expect(moduleHealth("login", "login", answered(200, "application/json", '{"result": true, "data": {"settings": "ok"}}'))).to.deep.equal({ outcome: "ok" });
    expect(moduleHealth("paas", "paas", answered(500, "text/html; charset=utf-8", "数据库连接存在问题: gone"))).to.include({ outcome: "fail", why: "says it is not healthy (HTTP 500): 数据库连接存在问题: gone" });
    expect(moduleHealth("paas", "paas", answered(500, "text/html", "<html><h1>500 Internal Server Error</h1></html>")).outcome).to.equal("fail");
    expect(moduleHealth("paas", "paas", answered(500, "text/html", "<html>x</html>"))).to.have.property("why").that.match(/^answered by something else, not paas's healthz: HTTP 500 text\/html/);
    expect(moduleHealth("esb", "esb on bk-1 (1.2.3.4:8002)", { kind: "refused" })).to.deep.equal({ outcome: "fail", why: "nothing listens on esb on bk-1 (1.2.3.4:8002) (connection refused)" });
    expect(moduleHealth("esb", "esb", answered(200, "application/json", '{"ok": true, "data": {"redis": "down"}}'))).to.include({ outcome: "warn", why: "healthy, but degraded: redis: down" });
    // A message that carries credentials shows them masked.
    expect(moduleHealth("appengine", "a", answered(200, "application/json", '{"ok": false, "code": 1304104, "message": "url=http://x, sid=abc123sid, token=tok456en, error=e"}'))).to.have.property("why", "says it is not healthy (1304104): url=http://x, sid=••••, token=••••, error=e");
  });

  it("paas_ports in the inventory: a port or an address:port per module; anything else is ignored", () => {
    const host = (v: unknown): Pick<Host, "vars"> => ({ vars: { paas_ports: v } });
    expect(inventoryAddress(host({ login: 18003 }), "login")).to.equal("127.0.0.1:18003");
    expect(inventoryAddress(host({ login: "10.0.0.5:8003" }), "login")).to.equal("10.0.0.5:8003");
    expect(inventoryAddress(host({ login: 0 }), "login")).to.equal(undefined);
    expect(inventoryAddress(host("8003"), "login")).to.equal(undefined);
  });

  it("mysql.grants: the account MySQL picks (a literal host before a pattern, the most literal pattern first); USAGE is no privilege", () => {
    const g = (user: string, host: string, privilege = "ALL PRIVILEGES"): Grant => ({ user, host, privilege, db: "*" });
    const grants = [g("bk", "%"), g("bk", "10.0.0.%", "USAGE"), g("bk", "10.0.0.7"), g("bk", "10.1.0.0/255.255.0.0"), g("bk", "localhost"), g("other", "10.0.0.9")];
    expect(accountFor("bk", "10.0.0.7", grants)).to.equal("10.0.0.7");
    expect(accountFor("bk", "10.0.0.8", grants)).to.equal("10.0.0.%");
    expect(privilegesOf("bk", "10.0.0.%", grants)).to.deep.equal([]);
    expect(accountFor("bk", "10.1.2.3", grants)).to.equal("10.1.0.0/255.255.0.0");
    expect(accountFor("bk", "192.168.1.1", grants)).to.equal("%");
    expect(accountFor("bk", "127.0.0.1", grants.filter((x) => x.host !== "%"))).to.equal(undefined);
    expect(accountFor("other", "10.0.0.10", grants)).to.equal(undefined);
  });

  it("mysql.datadir: what mysql cannot read (or write in a database folder), and its own files opened to others; root's mysql_upgrade_info is fine", () => {
    const e = (rel: string, type: string, mode: number, owner = "mysql", group = "mysql") => ({ rel, type, mode, owner, group });
    const entries = [e("", "d", 0o700, "mysql", "root"), e("mysql_upgrade_info", "f", 0o644, "root", "root"), e("open_paas", "d", 0o700, "root", "root"), e("mysql/user.MYD", "f", 0o644, "root", "mysql"), e("ibdata1", "f", 0o755), e("mysql", "d", 0o755)];
    const { blocked, opened } = datadirProblems(entries, ["mysql"]);
    expect(blocked.map((x) => x.rel)).to.deep.equal(["open_paas", "mysql/user.MYD"]);
    expect(opened.map((x) => x.rel)).to.deep.equal(["ibdata1"]);
    expect(datadirProblems([e("mysql/db.opt", "f", 0o660, "root", "mysql")], ["mysql"]).blocked).to.have.length(0);
  });

  it("agent.startup: only what the agent logged since it last started (a port clash comes right after that line)", () => {
    const start = "2024/05/06 10:00:00 http.go:194: Start agent Now listen on   4245";
    const unreachable = "2024/05/06 09:59:00 main.go:44: 1305103 paasagent start failed, please make sure http://x has been enabled";
    expect(startupErrors([unreachable, start])).to.deep.equal([]);
    expect(startupErrors([start, unreachable]).map((x) => x.line)).to.deep.equal([unreachable]);
    expect(startupErrors([start, "2024/05/06 10:00:00 main.go:44: listen tcp :4245: bind: address already in use"]).map((x) => x.known.meaning.en)).to.deep.equal(["the agent's port is taken by another process"]);
    expect(startupErrors(["paasagent start failed, please make sure http://x has been enabled", "sid or token is not valid, please check"])).to.have.length(2);
    expect(startupErrors(["[paas_agent] mac address error"]).map((x) => x.known.meaning.en)[0]).to.match(/^licence file missing/);
  });

  it("esb.components: each file's latest 1306101 record in esb.log, with the last line of its traceback", () => {
    const record = (at: string, file: string, exc: string) => `ERROR [${at}] /e/base.py 386 register_path 1 2 \n \t 1306101 Error when register file ${file}, skip \nTraceback (most recent call last):\n  File "${file}", line 1, in <module>\n${exc}\n`;
    const log = record("2024-05-07 10:00:00", "/c/generic/apis/a/x.py", "ImportError: No module named foo") + record("2024-05-07 11:00:00", "/c/generic/apis/a/x.py", "ModuleNotFoundError: No module named 'foo_bar'") + "INFO [2024-05-07 11:00:01] ok \n";
    expect(importFailures(log)).to.deep.equal([{ file: "/c/generic/apis/a/x.py", at: "2024-05-07 11:00:00", exception: "ModuleNotFoundError: No module named 'foo_bar'" }]);
  });

  it("pip.offline: a pip install that asks an index, a continued line too; an offline one or a comment does not", () => {
    const script = "pip install -r requirements.txt -i $PYPI_SERVER_URL --trusted-host $H\n${PYTHON_BIN_PATH}pip install -r requirements.txt \\\n    --index-url $URL\npip install $PIP_LIST --no-index --find-links=/m\n# pip install x -i y\n";
    expect(onlinePipLines(script).map((l) => l.trim())).to.deep.equal(["pip install -r requirements.txt -i $PYPI_SERVER_URL --trusted-host $H", "${PYTHON_BIN_PATH}pip install -r requirements.txt      --index-url $URL"]);
  });

  it("a check judged over the whole fleet sees hosts of every generation (and none) together; others one install at a time", () => {
    const host = (name: string, groups: string[]): Host => ({ name, address: "127.0.0.1", port: 22, user: "root", groups, vars: {}, ssh: { host_key_checking: "strict", connection: "ssh", connect_timeout: 10 }, defaulted: [], source: { file: "x", line: 1, col: 1 } });
    const gathered = (name: string, generation: Gathered["generation"], groups: string[]): Gathered => ({ host: host(name, groups), reached: true, generation, facts: memoryFacts({}).facts, secrets: [], bracket: { before: 0, after: 0 }, durationMs: 0 });
    const fleet = [gathered("a", "ce5", ["paas"]), gathered("b", "ce6", ["paas"]), gathered("m", null, ["mysql"])];
    const seenBy = (wholeFleet: boolean): string[] => {
      const calls: string[] = [];
      const check: Check = { id: "x", title: { en: "", zh: "" }, symptom: { en: "", zh: "" }, fix: { en: "", zh: "" }, needsGeneration: false, wholeFleet, probes: () => [], judge: ({ hosts }) => { calls.push(hosts.map((h) => h.name).join("+")); return []; } };
      judgeFleet([check], fleet, "inv", {});
      return calls;
    };
    expect(seenBy(true)).to.deep.equal(["a+b+m"]);
    expect(seenBy(false)).to.deep.equal(["a", "b", "m"]);
  });
});
