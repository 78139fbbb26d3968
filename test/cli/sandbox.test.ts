import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bkplay } from "../support/cli.js";

describe("bkplay sandbox up/down say what happened", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "bkplay-sandbox-cli-"));
  after(async () => {
    await bkplay(["sandbox", "down", "--dir", dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("down on a folder with no fleet says there was nothing to stop", async () => {
    const r = await bkplay(["sandbox", "down", "--dir", dir]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include("no sandbox fleet in").and.include("nothing to stop");
    expect(r.stdout).not.to.include("stopped");
  });

  it("up on a running fleet says it replaced it (its trees are written afresh); down then stops it", async () => {
    const first = await bkplay(["sandbox", "up", "--hosts", "1", "--dir", dir, "--backend", "ssh2"]);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).not.to.include("written afresh");
    const second = await bkplay(["sandbox", "up", "--hosts", "1", "--dir", dir, "--backend", "ssh2"]);
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.include("was stopped and its hosts' trees written afresh");
    const down = await bkplay(["sandbox", "down", "--dir", dir]);
    expect(down.stdout).to.include(`sandbox in ${dir} stopped`);
    expect(existsSync(join(dir, "fleet.json"))).to.equal(false);
  });
});
