import { expect } from "chai";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import type { PaasGeneration as Generation } from "../../src/generations/layouts.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { acceptsConnections } from "../../src/sandbox/ports.js";
import { AGENT_NGINX, onHost, startAgentNginxWithoutPort, type AgentNginx } from "../support/agent-nginx.js";
import { isRunning } from "../support/app-supervisor.js";
import { bkplay } from "../support/cli.js";
import { statusOf } from "../support/http-status.js";
import { installsOf, isAgentHost, useFleet } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { changedHosts, notOk, runJson, treeChanges } from "./sandbox-checks.js";

const GENERATIONS: readonly Generation[] = ["ce5", "ce6", "oss"];
/** How each generation reloads nginx (README, "Generations": the service step's nginx). */
const RELOAD: Record<Generation, string> = { ce5: "nginx -s reload", ce6: "systemctl reload openresty.service", oss: "nginx -s reload" };


describe("agent-nginx-listen: the agent host's real nginx runs without its proxy port (sshd, mixed fleet: ce5, ce6, oss)", function () {
  this.timeout(120_000);
  const f = useFleet(6, "sshd", "mixed");
  const installs = installsOf(f);
  /** The install's agent host that runs no PaaS nginx: the agent's server block is its nginx's only one. */
  const agentOf = (g: Generation): SandboxHost => installs.host(g, "agent host without nginx", (h) => isAgentHost(h) && !h.roles.includes("nginx"));
  const inventoryOf = installs.inventory;
  const snapshot = (): Record<string, string> => snapshotTree(join(f.dir(), "hosts"));
  let running: AgentNginx[] = [];
  let servers: Server[] = [];
  afterEach(async () => {
    for (const n of running) n.stop();
    for (const s of servers) s.close();
    running = [];
    servers = [];
    await f.reset();
  });
  const portOf = (h: SandboxHost): number => h.agentPort ?? 0;

  for (const g of GENERATIONS) {
    it(`${g}: running but not listening on the port its paasagent.conf names: reloaded (${RELOAD[g]}), the port answers; hosts already listening untouched; a second run does nothing`, async () => {
      const h = agentOf(g);
      const nginx = await startAgentNginxWithoutPort(h);
      running.push(nginx);
      expect(readFileSync(nginx.conf, "utf8")).to.include(`listen       127.0.0.1:${portOf(h)};`);
      expect(await acceptsConnections(portOf(h)), "nothing listens on the proxy port").to.equal(false);

      const fresh = snapshot();
      const check = await runJson("agent-nginx-listen", inventoryOf(g), "--check");
      expect(check.code, check.stdout + check.stderr).to.equal(0);
      // The install's other agent host runs the PaaS nginx, which serves its paasagent.conf too: it listens already.
      expect(changedHosts(check.report)).to.deep.equal([h.name]);
      const [change] = check.report.hosts.find((x) => x.host === h.name)?.steps[0]?.changes ?? [];
      expect(change?.kind === "run" ? `${change.display ?? ""} [${change.reason}]` : change?.kind).to.equal(
        `${RELOAD[g]}, then wait for ${portOf(h)} to listen [nginx master ${nginx.pid} (/usr/sbin/nginx) runs but nothing listens on ${portOf(h)}]`,
      );
      for (const other of check.report.hosts.filter((x) => x.host !== h.name)) expect(other.steps.flatMap((s) => s.messages).join(), other.host).to.match(/^nginx master \d+ listens on \d+$/);
      expect(treeChanges(fresh, snapshot()), "check mode writes nothing").to.deep.equal([]);
      expect(await acceptsConnections(portOf(h)), "check mode reloads nothing").to.equal(false);

      const applied = await runJson("agent-nginx-listen", inventoryOf(g));
      expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
      expect(changedHosts(applied.report)).to.deep.equal([h.name]);
      expect(await acceptsConnections(portOf(h)), "the proxy port answers").to.equal(true);
      expect(isRunning(nginx.pid) && readFileSync(nginx.pidfile, "utf8").trim() === String(nginx.pid), "the same master, reloaded").to.equal(true);
      // PaaS's nginx gets an answer now: 404 for an app with no uwsgi.pid (not deployed), no longer a refused connection.
      expect(await statusOf(portOf(h), "/t/bk_demo/")).to.equal(404);

      const settled = snapshot();
      const again = await runJson("agent-nginx-listen", inventoryOf(g));
      expect(again.code, again.stdout + again.stderr).to.equal(0);
      expect(notOk(again.report)).to.deep.equal([]);
      expect(treeChanges(settled, snapshot())).to.deep.equal([]);
    });
  }

  it("ce5: an nginx that is not running is refused before any change, saying how to start it", async () => {
    const h = agentOf("ce5");
    rmSync(onHost(h, AGENT_NGINX.ce5.pid), { force: true });
    const before = snapshot();
    const r = await bkplay(["run", "agent-nginx-listen", "-i", inventoryOf("ce5")]);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.include(`nginx is not running (${onHost(h, AGENT_NGINX.ce5.pid)} is missing or empty): start it (systemctl start nginx.service, or nginx), then run this again. Nothing was changed`);
    expect(treeChanges(before, snapshot())).to.deep.equal([]);
  });

  it("ce6: a port another program holds is refused before any change; -e port= names the port instead of paasagent.conf", async () => {
    const h = agentOf("ce6");
    const nginx = await startAgentNginxWithoutPort(h);
    running.push(nginx);
    const squatter = createServer((s) => s.destroy());
    servers.push(squatter);
    await new Promise<void>((resolve) => squatter.listen(portOf(h), "127.0.0.1", resolve));
    const before = snapshot();
    const r = await bkplay(["run", "agent-nginx-listen", "-i", inventoryOf("ce6")]);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.include(`${portOf(h)}: another program listens there, not nginx master ${nginx.pid}, so nginx cannot: free it (ss -ltnp), then run this again. Nothing was changed`);
    expect(treeChanges(before, snapshot())).to.deep.equal([]);

    squatter.close();
    const given = await runJson("agent-nginx-listen", inventoryOf("ce6"), "-l", h.name, "-e", `port=${portOf(h)}`, "--check");
    expect(given.code, given.stdout + given.stderr).to.equal(0);
    expect(given.report.hosts[0]?.steps[0]?.changes[0]).to.include({ reason: `nginx master ${nginx.pid} (/usr/sbin/nginx) runs but nothing listens on ${portOf(h)}` });
    expect(existsSync(nginx.pidfile)).to.equal(true);
  });
});
