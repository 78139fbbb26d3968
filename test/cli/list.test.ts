import { expect } from "chai";
import { bkplay } from "../support/cli.js";

interface Listed {
  name: string;
  vars: { name: string; required: boolean; default?: unknown; read?: { hosts: string; key: string } }[];
}

describe("bkplay list", () => {
  it("shows change-domain with its variables", async () => {
    const r = await bkplay(["list"]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^change-domain — /m);
    expect(r.stdout).to.match(/^\s+new_domain\s+string\s+required\b/m);
    expect(r.stdout).to.match(/^\s+old_domain\s+string\s+read from paas \(PAAS_DOMAIN\)/m);
  });

  it("--json parses, with required variables and defaults", async () => {
    const r = await bkplay(["list", "--json"]);
    expect(r.code).to.equal(0);
    const listed = JSON.parse(r.stdout) as Listed[];
    const vars = listed.find((p) => p.name === "change-domain")?.vars ?? [];
    expect(vars.find((v) => v.name === "new_domain")).to.include({ required: true });
    expect(vars.find((v) => v.name === "old_domain")).to.deep.include({ required: false, read: { hosts: "paas", key: "PAAS_DOMAIN" } });
    expect(vars.find((v) => v.name === "nginx_conf")).to.include({ required: false, default: "{{bk.nginx_paas_conf}}" });
    expect(vars.find((v) => v.name === "cc_host")).to.include({ required: false, default: null });
  });

  it("shows sync-login-settings: the paas group, and the source host defaulting to the first PaaS host", async () => {
    const r = await bkplay(["list"]);
    expect(r.stdout).to.match(/^sync-login-settings — The login page loops/m).and.match(/^sync-login-settings — .*\n\s+groups: paas\n\s+source\s+string\s+default "\{\{groups\.paas\.\[0\]\.name\}\}"/m);
  });

  it("lists the agent hosts' and the login's remediations with their groups; reset-admin-password's password is a required secret", async () => {
    const r = await bkplay(["list", "--json"]);
    const listed = JSON.parse(r.stdout) as (Listed & { groups: { name: string }[] })[];
    const groups = (name: string): string[] => listed.find((p) => p.name === name)?.groups.map((g) => g.name) ?? [];
    expect(groups("clean-stale-app-run")).to.deep.equal(["appo", "appt"]);
    expect(groups("agent-nginx-listen")).to.deep.equal(["appo", "appt"]);
    expect(groups("set-cc-job-hosts")).to.deep.equal(["paas"]);
    expect(groups("reset-admin-password")).to.deep.equal(["paas"]);
    const vars = listed.find((p) => p.name === "reset-admin-password")?.vars ?? [];
    expect(vars.find((v) => v.name === "password")).to.include({ required: true, secret: true });
    expect(vars.find((v) => v.name === "username")).to.include({ required: false, default: "admin" });
  });
});
