import { expect } from "chai";
import { renderParams } from "../../src/playbook/template.js";
import { replace } from "../../src/steps/replace.js";
import type { StepContext } from "../../src/steps/types.js";
import { memoryFacts } from "../support/memory-facts.js";

const ctx: StepContext = { playbookDir: "/playbook", localSha256: () => "" };

/** The file's content after a replace step whose params are rendered as build-work renders them. */
function replaced(params: Record<string, unknown>, vars: Record<string, unknown>, content: string): string {
  const rendered = renderParams(params, vars, ["step"], replace.literalParams);
  const { facts } = memoryFacts({ files: { "/srv/f": content } });
  const change = replace.plan(rendered as never, facts, ctx).changes[0];
  if (change?.kind !== "write-file") throw new Error("expected a write-file change");
  return change.content;
}

describe("replace: rendered values land literally", () => {
  it("a variable's $&, $1 and $$ are text; the playbook's own $1 still refers to the group", () => {
    const params = { file: "/srv/f", regexp: "^(index-url) = .*$", replace: "$1 = {{online_index}}" };
    expect(replaced(params, { online_index: "$&x$1$$" }, "index-url = old\n")).to.equal("index-url = $&x$1$$\n");
  });

  it("inside blocks and helpers too, and when the whole replacement is one variable", () => {
    const params = { file: "/srv/f", regexp: "^(a)=.*$", replace: "{{#if on}}$1={{join list ','}}{{/if}}" };
    expect(replaced(params, { on: true, list: ["$1", "$'"] }, "a=1\n")).to.equal("a=$1,$'\n");
    expect(replaced({ ...params, replace: "{{v}}" }, { v: "$&$`" }, "a=1\n")).to.equal("$&$`\n");
  });

  it("other parameters and other step types are rendered as before", () => {
    expect(renderParams({ regexp: "{{v}}", replace: "{{v}}" }, { v: "$1" }, [])).to.deep.equal({ regexp: "$1", replace: "$1" });
    expect(renderParams({ regexp: "{{v}}", replace: "x{{v}}" }, { v: "$1" }, [], replace.literalParams)).to.deep.equal({ regexp: "$1", replace: "x$$1" });
  });
});
