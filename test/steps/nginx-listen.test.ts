import { expect } from "chai";
import { bkView, nodeView } from "../../src/generations/host-layout.js";
import { nginxListen, type NginxListenParams } from "../../src/steps/nginx-listen.js";
import { listenPorts, nginxStateCommand } from "../../src/steps/nginx-state.js";
import type { StepContext } from "../../src/steps/types.js";
import { memoryFacts, type FactData } from "../support/memory-facts.js";

const CONF = "/data/bkce/etc/nginx/paasagent.conf";
const PID = "/run/nginx.pid";
const bk = bkView({ vars: {} }, "ce5");
const ctx: StepContext = { playbookDir: "/playbook", localSha256: () => "", node: nodeView({ vars: {} }, "ce5"), ...(bk ? { bk } : {}) };
/** A ce5 host without systemd's nginx.service, with nginx on its PATH (the service step's probes). */
const NO_SYSTEMD: FactData["commands"] = { "command -v systemctl": { exitCode: 1 }, "command -v nginx": { exitCode: 0, stdout: "/usr/sbin/nginx\n" } };

/** The step planned over the host's files and what the state probe printed (`0100007F:1F4A`-style hex ports). */
function plan(state: string[], o: { conf?: string | null; params?: Partial<NginxListenParams> } = {}) {
  const p: NginxListenParams = { conf: CONF, pidfile: PID, ...o.params };
  const { facts, reads } = memoryFacts({
    files: { [CONF]: o.conf === undefined ? "server {\n    listen       8010;\n    server_name  localhost;\n}\n" : o.conf },
    commands: { ...NO_SYSTEMD, [nginxStateCommand(PID)]: { exitCode: 0, stdout: state.map((l) => `${l}\n`).join("") } },
  });
  const declared = nginxListen.probes(p, ctx).map((r) => JSON.stringify(r));
  const result = (): ReturnType<typeof nginxListen.plan> => {
    const planned = nginxListen.plan(p, facts, ctx);
    for (const r of reads) expect(declared, "read what it probed").to.include(JSON.stringify(r));
    return planned;
  };
  return result;
}

const MASTER = ["pid 20934 master", "exe /usr/sbin/nginx", "sockets 111 222 "];

describe("step nginx_listen", () => {
  it("nginx's master holds the port: nothing to do", () => {
    const p = plan([...MASTER, "listen 1F4A 222", "listen 0050 999"])();
    expect(p.changes).to.deep.equal([]);
    expect(p.messages).to.deep.equal(["nginx master 20934 listens on 8010"]);
  });

  it("runs but nothing listens on the port: reload the way the host runs it, then wait for the port", () => {
    const p = plan([...MASTER, "listen 0050 111"])();
    expect(p.changes).to.have.length(1);
    const [c] = p.changes;
    if (c?.kind !== "run") throw new Error("a command");
    expect(c.command).to.match(/^nginx -s reload && sh -c '.*' await-ports 8010$/s);
    expect(c.display).to.equal("nginx -s reload, then wait for 8010 to listen");
    expect(c.reason).to.equal("nginx master 20934 (/usr/sbin/nginx) runs but nothing listens on 8010");
  });

  it("not running is refused, with how this generation starts it", () => {
    expect(plan(["pid -", "listen 0050 1"])).to.throw("nginx is not running (/run/nginx.pid is missing or empty): start it (systemctl start nginx.service, or nginx), then run this again. Nothing was changed");
    expect(plan(["pid 77 dead"])).to.throw("(/run/nginx.pid names 77, which is not running)");
    expect(plan(["pid 77 other mysqld"])).to.throw("(/run/nginx.pid names 77, which is mysqld, not an nginx master)");
  });

  it("a port another program holds is refused: a reload cannot take it", () => {
    expect(plan([...MASTER, "listen 1F4A 555"])).to.throw("8010: another program listens there, not nginx master 20934, so nginx cannot: free it (ss -ltnp), then run this again. Nothing was changed");
  });

  it("the ports come from the host's own server block; a missing file or one without listen is refused; -e port wins", () => {
    expect(plan(MASTER, { conf: null })).to.throw(`${CONF} is missing: give the file of nginx's server block, or the port`);
    expect(plan(MASTER, { conf: "server { server_name x; }\n" })).to.throw(`${CONF} has no listen directive: give the port`);
    const p = plan([...MASTER, "listen 1F4A 111"], { conf: null, params: { port: 8085 } })();
    expect(p.changes[0]).to.include({ reason: "nginx master 20934 (/usr/sbin/nginx) runs but nothing listens on 8085" });
    expect(nginxListen.probes({ conf: CONF, pidfile: PID, port: 8085 }, ctx).some((r) => r.kind === "file")).to.equal(false);
  });

  it("listen directives as nginx writes them", () => {
    const conf = `# listen 9999;
server {
    listen 8010;
    listen 127.0.0.1:8011 default_server;
    listen [::]:8012 ipv6only=on;
    listen unix:/run/agent.sock;
    listen localhost;
    listen 8010;
}
`;
    expect(listenPorts(conf)).to.deep.equal([8010, 8011, 8012, 80]);
  });
});
