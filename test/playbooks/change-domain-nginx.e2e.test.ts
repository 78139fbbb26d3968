import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { bkplay } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { answer, answerOnceSettled, edited, notOk, proxyPaasTo, runJson, standInPaas, stepLines, treeChanges } from "./sandbox-checks.js";

const playbooks = join(import.meta.dirname, "../../../playbooks");

describe("playbook change-domain against the fleet's real nginx (sshd, ce5)", function () {
  this.timeout(120_000);
  const f = useFleet(5, "sshd");
  let paas: Awaited<ReturnType<typeof standInPaas>> | undefined;
  const nginxHost = (): SandboxHost => {
    const h = f.fleet().hosts.find((host) => host.roles.includes("nginx"));
    if (h?.nginxPort === undefined) throw new Error("the fleet has no nginx host with a port");
    return h;
  };
  const port = (): number => nginxHost().nginxPort ?? 0;
  const paasConf = (): string => join(nginxHost().root, "etc/nginx/paas.conf");
  const hosts = (): string => join(f.dir(), "hosts");
  const inv = (): string => writeInventory(f.fleet(), join(f.dir(), "test-hosts.yaml"));
  const run = (playbook: string, ...args: string[]): ReturnType<typeof runJson> => runJson(playbook, inv(), "--backup-dir", join(f.dir(), "backups"), ...args);

  before(async () => {
    paas = await standInPaas();
    // bkce 5.x's paas.conf as the host's nginx serves it, its PaaS upstream a live server.
    proxyPaasTo(paasConf(), nginxHost().sysroot, paas.port);
    expect(await answerOnceSettled(port(), "paas.bk.com", "200 paas")).to.equal("200 paas");
  });
  after(() => paas?.close());

  it("check writes nothing; apply moves server_name and reloads nginx (nginx -s reload through the host's own nginx), which then serves the new name; a second run does nothing", async () => {
    expect(await answer(port(), "paas.example.com")).to.equal("404");
    const fresh = snapshotTree(hosts());
    const before = readFileSync(paasConf(), "utf8");
    const check = await run("change-domain", "-e", "new_domain=paas.example.com", "--check");
    expect(check.code, check.stdout + check.stderr).to.equal(0);
    expect(treeChanges(fresh, snapshotTree(hosts()))).to.deep.equal([]);

    const r = await run("change-domain", "-e", "new_domain=paas.example.com");
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(stepLines(r.report, nginxHost().name)).to.deep.equal(["server_name in paas.conf: changed", "handler reload nginx: exit 0"]);
    expect(r.report.hosts.find((h) => h.host === nginxHost().name)?.steps[1]?.commands.map((c) => c.command)).to.deep.equal(["nginx -s reload"]);
    expect(readFileSync(paasConf(), "utf8")).to.equal(edited(before, ["server_name  paas.bk.com paas.service.consul;", "server_name  paas.example.com paas.service.consul;"]));
    expect(await answerOnceSettled(port(), "paas.example.com", "200 paas")).to.equal("200 paas");
    // Old workers drain after a reload and may still accept a connection or two: poll this name as well.
    expect(await answerOnceSettled(port(), "paas.bk.com", "404")).to.equal("404");

    const settled = snapshotTree(hosts());
    const again = await run("change-domain", "-e", "new_domain=paas.example.com");
    expect(again.code, again.stdout + again.stderr).to.equal(0);
    expect(notOk(again.report)).to.deep.equal([]);
    expect(treeChanges(settled, snapshotTree(hosts()))).to.deep.equal([]);
  });

  for (const bad of ["a;b.example.com", "x}.example.com", "paas.example.com; include /etc/shadow"]) {
    it(`refuses new_domain ${JSON.stringify(bad)} by the schema (exit 2), touching no host`, async () => {
      const before = snapshotTree(hosts());
      const r = await bkplay(["run", "change-domain", "-i", inv(), "-e", `new_domain=${bad}`]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(/new_domain/);
      expect(treeChanges(before, snapshotTree(hosts()))).to.deep.equal([]);
    });
  }

  // No hostname the schema admits makes nginx reject server_name, so an invalid directive goes through the
  // same path: a replace in the live paas.conf validated by change-domain's own nginx_test.
  it("a candidate nginx -t rejects is refused; the live paas.conf stays byte-identical and nginx keeps serving", async () => {
    const fixture = join(f.dir(), "invalid-directive.yaml");
    writeFileSync(fixture, [
      "name: invalid-directive",
      "description: an edit nginx -t rejects",
      "vars: { nginx_test: { type: string } }",
      "plays:",
      "  - hosts: nginx",
      "    steps:",
      "      - name: body size",
      "        replace: { file: \"{{paas_root}}/etc/nginx/paas.conf\", regexp: \"^(\\\\s*client_max_body_size\\\\s+)\\\\S+;\", replace: \"$1512q;\", expect: 1, validate: \"{{nginx_test}}\" }",
      "",
    ].join("\n"));
    const changeDomain = parse(readFileSync(join(playbooks, "change-domain.yaml"), "utf8")) as { vars: { nginx_test: { default: string } } };
    const before = readFileSync(paasConf());
    const r = await run(fixture, "-e", `nginx_test=${changeDomain.vars.nginx_test.default}`);
    expect(r.code, r.stderr).to.equal(1);
    const step = r.report.hosts.find((h) => h.host === nginxHost().name)?.steps[0];
    expect(step?.error).to.match(/validate failed.*"client_max_body_size" directive invalid value/s);
    expect(readFileSync(paasConf()).equals(before)).to.equal(true);
    expect(await answer(port(), "paas.example.com")).to.equal("200 paas");
  });
});
