import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bkplay, type CliResult } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/hardening");
/** Quotes, a backslash and a `#` make every quoting of it (sh, Python, JSON) differ from the raw value; its words are checked one by one. */
const TOKEN = `Zqv'wX "Xyq" \\ #Kjw`;

/** Every file below `dir`, with its content. */
function filesBelow(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir, { recursive: true, encoding: "utf8" }).map((p) => join(dir, p)).filter((p) => statSync(p).isFile()).map((p) => [p, readFileSync(p, "utf8")]));
}

describe("secrets never show (sshd)", function () {
  this.timeout(60_000);
  const f = useFleet(5, "sshd");

  it("check --diff, apply and --json: no secret in stdout, stderr, the report or any file written on the controller; •••• where they were", async () => {
    const paas = f.fleet().hosts.find((h) => h.roles.includes("paas"))?.root ?? "";
    const agent = f.fleet().hosts.find((h) => h.roles.includes("appo"))?.root ?? "";
    const agentConfig = readFileSync(join(agent, "etc/paas_agent_config.yaml"), "utf8");
    // The agent's auth block, end-of-line comments and all, as the real file has it (sid is a secret too).
    const [agentSid, agentToken] = ["sid", "token"].map((k) => new RegExp(`^ {2}${k}: (\\S+)`, "m").exec(agentConfig)?.[1] ?? "");
    expect(agentSid, "the sandbox agent has a sid").to.match(/^[0-9a-f-]{36}$/);
    expect(agentToken, "the sandbox agent has a token").to.match(/^[0-9a-f-]{36}$/);
    const secrets = [TOKEN, "Zqv", "Xyq", "Kjw", agentSid, agentToken, "Sandbox#Db9pass", "Db9pass", "Sandbox#Admin1", "Admin1"];
    // The controller's own places: bkplay runs with them as home, temp dir and working directory.
    const home = mkdtempSync(join(tmpdir(), "bkplay-secrets-home-"));
    const env = { HOME: home, TMPDIR: home };
    const args = ["run", join(fixtures, "secrets.yaml"), "-i", writeInventory(f.fleet(), join(f.dir(), "secrets-hosts.yaml")), "-e", `api_token=${TOKEN}`];
    const runs: Record<string, CliResult> = {
      check: await bkplay([...args, "--check", "--diff"], { cwd: home, env }),
      apply: await bkplay([...args, "--diff"], { cwd: home, env }),
      json: await bkplay([...args, "--json", "-e", "new_domain=paas.other.com"], { cwd: home, env }),
    };
    expect(readFileSync(join(paas, "logs/token.log"), "utf8")).to.equal(`token=${TOKEN}\n`);
    for (const [name, r] of Object.entries(runs)) {
      expect(r.code, `${name}: ${r.stderr}`).to.equal(0);
      for (const [where, text] of [["stdout", r.stdout], ["stderr", r.stderr]]) for (const s of secrets) expect(text, `${name} ${where} shows ${s}`).not.to.include(s);
    }
    expect(runs.check?.stdout).to.include("API_TOKEN = '••••'").and.include("'PASSWORD': '••••'").and.include("PASSWORD = '••••'").and.include("token: ••••");
    expect(runs.check?.stdout).to.include(" •••• | tee ");
    const report = runs.json?.stdout ?? "";
    expect(report).to.include("token: ••••");
    try {
      for (const [file, text] of Object.entries(filesBelow(home))) for (const s of secrets) expect(text, `${file} holds ${s}`).not.to.include(s);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
