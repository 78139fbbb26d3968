import { expect } from "chai";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { bkView, nodeView } from "../../src/generations/host-layout.js";
import type { Generation } from "../../src/generations/layouts.js";
import { stepTypes } from "../../src/steps/index.js";
import type { Probe, StepContext } from "../../src/steps/types.js";
import { memoryFacts, sha256, type FactData } from "../support/memory-facts.js";

/**
 * Step unit cases are data: test/steps/<step type>/<case>.yaml holding
 * `{params, files?, stats?, trees?, commands?, local?, bk?}` and either `changes` (each listed key must equal the
 * planned change's; `[]` means nothing to do), optionally `unknown: true` and `messages` (each a fragment of one
 * planned message), or `error` (a message fragment).
 */
interface Case extends FactData {
  params: Record<string, unknown>;
  /** Local files (for uploads): path → content. */
  local?: Record<string, string>;
  changes?: Record<string, unknown>[];
  unknown?: boolean;
  messages?: string[];
  error?: string;
  /** The host's generation (and its install root and sysroot), for steps that read it. */
  bk?: { generation: Generation; root?: string; sysroot?: string };
}

const root = join(import.meta.dirname, "../../../test/steps");

/** What a step sees of a host of generation g: its node-side paths, and its PaaS tree where it has one. */
function layoutOf(host: { vars: Record<string, unknown> }, g: Generation): Pick<StepContext, "node" | "bk"> {
  const bk = bkView(host, g);
  return { node: nodeView(host, g), ...(bk ? { bk } : {}) };
}
const probeKey = (p: Probe): string => `${p.kind} ${"path" in p ? p.path : p.command}`;

for (const type of readdirSync(root).filter((d) => existsSync(join(root, d)) && !d.includes("."))) {
  describe(`step ${type}`, () => {
    const step = stepTypes.get(type);
    for (const file of readdirSync(join(root, type)).filter((f) => f.endsWith(".yaml"))) {
      it(file.replace(/\.yaml$/, ""), () => {
        if (!step) throw new Error(`no step type '${type}'`);
        const c = parse(readFileSync(join(root, type, file), "utf8")) as Case;
        const ctx: StepContext = {
          playbookDir: "/playbook",
          localSha256: (path) => {
            const content = c.local?.[path];
            if (content === undefined) throw new Error(`case has no local file ${path}`);
            return sha256(content);
          },
          ...(c.bk ? layoutOf({ vars: { paas_root: c.bk.root, bk_sysroot: c.bk.sysroot } }, c.bk.generation) : {}),
        };
        const { facts, reads } = memoryFacts(c);
        const declared = new Set(step.probes(c.params, ctx).map(probeKey));
        if (c.error !== undefined) {
          expect(() => step.plan(c.params, facts, ctx)).to.throw(c.error);
          return;
        }
        const plan = step.plan(c.params, facts, ctx);
        for (const r of reads) expect(declared, "plan read a fact it did not probe").to.include(probeKey(r));
        expect(plan.changes, "number of changes").to.have.length(c.changes?.length ?? 0);
        (c.changes ?? []).forEach((want, i) => {
          for (const [key, value] of Object.entries(want)) expect(plan.changes[i], `change ${i}`).to.have.deep.property(key, value);
        });
        expect(Boolean(plan.unknown), "unknown").to.equal(Boolean(c.unknown));
        for (const m of c.messages ?? []) expect(plan.messages ?? [], "messages").to.satisfy((all: string[]) => all.some((a) => a.includes(m)), m);
      });
    }
  });
}
