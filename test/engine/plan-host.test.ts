import { expect } from "chai";
import { planHost } from "../../src/engine/plan-host.js";
import type { Gathered } from "../../src/engine/gathered.js";
import { probeKey } from "../../src/engine/probe-script.js";
import { localContext } from "../../src/engine/build-work.js";
import type { HostWork, RenderedStep } from "../../src/engine/work.js";
import type { Host } from "../../src/inventory/types.js";
import { stepTypes } from "../../src/steps/index.js";

const host: Host = { name: "h", address: "127.0.0.1", port: 22, user: "root", groups: [], vars: {}, ssh: { host_key_checking: "strict", connection: "ssh", connect_timeout: 10 }, defaulted: [], source: { file: "x", line: 1, col: 1 } };

function step(name: string, type: string, params: Record<string, unknown>): RenderedStep {
  const t = stepTypes.get(type);
  if (!t) throw new Error(type);
  return { def: { name, type, params, notify: [], path: [], location: { file: "x", line: 1, col: 1 } }, type: t, params };
}

function plan(steps: RenderedStep[], facts: [Parameters<typeof probeKey>[0], unknown][]): string[] {
  const work: HostWork = { host, generation: null, steps, handlers: [], verify: [], extraProbes: [], ctx: localContext("/"), context: {} };
  const gathered: Gathered = new Map(facts.map(([p, f]) => [probeKey(p), f as never]));
  return planHost(work, gathered).steps.map((s) => `${s.name}:${s.status}`);
}

describe("check mode when a command's effect cannot be predicted", () => {
  const file = { path: "/etc/app.conf", exists: true, type: "file", realPath: "/etc/app.conf", mode: 0o644, owner: "root", group: "root", sha256: "x", content: "a=1\n" };
  it("an unguarded command is unknown; a later step reading what it names, or running a probe command, is blocked", () => {
    const statuses = plan(
      [
        step("migrate", "run", { command: "/opt/app/migrate --config /etc/app.conf" }),
        step("edit the config it touches", "line", { file: "/etc/app.conf", line: "b=2" }),
        step("guarded command", "run", { command: "reload", unless: "test -e /run/app.ok" }),
        step("unrelated file", "line", { file: "/etc/other.conf", line: "c=3" }),
      ],
      [
        [{ kind: "file", path: "/etc/app.conf" }, file],
        [{ kind: "file", path: "/etc/other.conf" }, { ...file, path: "/etc/other.conf", realPath: "/etc/other.conf" }],
        [{ kind: "command", command: "test -e /run/app.ok" }, { command: "test -e /run/app.ok", exitCode: 1, stdout: "", stderr: "" }],
      ],
    );
    expect(statuses).to.deep.equal(["migrate:unknown", "edit the config it touches:blocked", "guarded command:blocked", "unrelated file:changed"]);
  });
  it("without an unknown command nothing is blocked", () => {
    const statuses = plan([step("edit", "line", { file: "/etc/app.conf", line: "b=2" })], [[{ kind: "file", path: "/etc/app.conf" }, file]]);
    expect(statuses).to.deep.equal(["edit:changed"]);
  });
});
