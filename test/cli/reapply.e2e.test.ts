import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bkplay } from "../support/cli.js";
import { useFleet, writeInventory } from "../support/fleet.js";
import { snapshotTree } from "../support/tree-snapshot.js";

const playbook = join(import.meta.dirname, "../../../test/fixtures/playbooks/slow-handler.yaml");

describe("re-applying an applied plan (sshd)", function () {
  this.timeout(60_000);
  const f = useFleet(3, "sshd");
  beforeEach(() => f.reset());

  it("says which run applied it and when, changes nothing, exit 0 (not a drift refusal)", async () => {
    const logDir = join(f.dir(), "audit");
    const planFile = join(f.dir(), "level.plan.json");
    const inv = writeInventory(f.fleet(), join(f.dir(), "reapply-hosts.yaml"));
    const plan = await bkplay(["plan", playbook, "-i", inv, "-e", "level=2", "-e", "pause=0", "-o", planFile, "--log-dir", logDir]);
    expect(plan.code, plan.stderr).to.equal(0);
    const runId = (JSON.parse(readFileSync(planFile, "utf8")) as { runId: string }).runId;
    const apply = await bkplay(["apply", planFile, "--log-dir", logDir]);
    expect(apply.code, apply.stdout + apply.stderr).to.equal(0);

    const before = snapshotTree(join(f.dir(), "hosts"));
    const again = await bkplay(["apply", planFile, "--log-dir", logDir]);
    expect(again.code, again.stdout + again.stderr).to.equal(0);
    expect(again.stdout).to.match(new RegExp(`already applied by run ${runId} at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z .*nothing was changed`));
    expect(again.stdout + again.stderr).not.to.match(/refused|drift/i);
    expect(snapshotTree(join(f.dir(), "hosts"))).to.deep.equal(before);
  });
});
