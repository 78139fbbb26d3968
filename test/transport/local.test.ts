import { expect } from "chai";
import { localTransport } from "../../src/transport/local.js";

describe("local transport", () => {
  const local = localTransport("controller");

  it("runs through /bin/sh with stdin, stdout, stderr and the exit code", async () => {
    const result = await local.exec("cat; echo oops >&2; exit 4", { stdin: "hello" });
    expect(result).to.include({ command: "cat; echo oops >&2; exit 4", exitCode: 4 });
    expect(result.stdout.toString()).to.equal("hello");
    expect(result.stderr.toString()).to.equal("oops\n");
    expect(result.durationMs).to.be.greaterThan(0);
  });

  it("reports death by signal as 128 + signo", async () => {
    expect((await local.exec("kill -TERM $$")).exitCode).to.equal(143);
  });

  it("does not fail when the command ignores a large stdin", async () => {
    expect((await local.exec("exit 0", { stdin: Buffer.alloc(1 << 20) })).exitCode).to.equal(0);
  });
});
