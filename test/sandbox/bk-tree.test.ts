import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { SANDBOX_ROLES, writeBkTree } from "../../src/sandbox/bk-tree.js";

describe("sandbox BlueKing tree", () => {
  let root = "";
  beforeEach(async () => {
    root = join(mkdtempSync(join(tmpdir(), "bkplay-tree-")), "data", "bkce");
    await writeBkTree(root, SANDBOX_ROLES);
  });
  afterEach(() => { rmSync(join(root, "..", ".."), { recursive: true, force: true }); });

  it("keeps the real files' shape: a comment above each value, single quotes", () => {
    const paas = readFileSync(join(root, "open_paas/paas/conf/settings_production.py"), "utf8");
    expect(paas).to.include("# cookie访问域\nBK_COOKIE_DOMAIN = '.bk.com'\n");
    const defaults = readFileSync(join(root, "open_paas/paas/conf/default.py"), "utf8");
    expect(defaults).to.include("# 实时轮询判定状态， 一定要大于agent设置的300\nEVENT_STATE_EXPIRE_SECONDS = 360\n");
    expect(readFileSync(join(root, "open_paas/esb/configs/default.py"), "utf8")).to.include("# Third party system host\nHOST_BK_LOGIN = 'paas.bk.com'\n");
  });

  it("writes an agent config that parses, with its comment kept in place", () => {
    const text = readFileSync(join(root, "paas_agent/paas_agent/etc/paas_agent_config.yaml"), "utf8");
    expect(text).to.include("CONTROLLER_SERVER_URL: 'http://paas.bk.com' # App Engine地址\n");
    const config = parse(text) as { settings: Record<string, unknown>; port: number };
    expect(config.settings).to.include({ EXECUTE_TIME_LIMIT: 300, BASE_PATH: `${root}/paas_agent` });
    expect(config.port).to.equal(4245);
  });

  it("ships stand-in control scripts that record their arguments", () => {
    execFileSync(join(root, "open_paas/bin/dashboard.sh"), ["restart", "all"]);
    execFileSync(join(root, "paas_agent/paas_agent/bin/paas_agent"), ["restart"]);
    expect(readFileSync(join(root, "logs/dashboard.log"), "utf8")).to.equal("restart all\n");
    expect(readFileSync(join(root, "logs/paas_agent.log"), "utf8")).to.equal("restart\n");
  });

  it("resets a changed tree to its original bytes", async () => {
    const file = join(root, "etc/nginx/paas.conf");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, "changed");
    writeFileSync(join(root, "stray"), "x");
    await writeBkTree(root, SANDBOX_ROLES);
    expect(readFileSync(file, "utf8")).to.equal(original);
    expect(() => readFileSync(join(root, "stray"))).to.throw();
  });
});
