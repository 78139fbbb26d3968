import { expect } from "chai";
import { makeRedactor, MASK } from "../../src/report/redact.js";

describe("redaction of the agent's auth block", () => {
  const redact = makeRedactor([]);
  it("masks both sid and token (paas_agent_config.yaml holds both in clear), keeping their comments", () => {
    const text = "auth:\n  sid: bdb209f0-747a-4011-9c8b-9e10b2aceace  # agent sid\n  token: 41ea9d39-8c01-46e4-b7cd-62651fb5b018 # agent token\n";
    expect(redact(text)).to.equal(`auth:\n  sid: ${MASK}  # agent sid\n  token: ${MASK} # agent token\n`);
  });
  it("only the key sid itself, not keys that merely end in it", () => {
    expect(redact("consid: 3\nsid_count: 4\n")).to.equal("consid: 3\nsid_count: 4\n");
  });
});
