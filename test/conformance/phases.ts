import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunReport } from "../../src/engine/results.js";
import { reportOf } from "../support/cli.js";
import { snapshotTree } from "../support/tree-snapshot.js";
import { contentOf, differing, lineChanges, type LineChange } from "./compare.js";
import type { Lab } from "./lab.js";

export interface Expected {
  /** Files and the exact lines each run must change in them; every other line stays byte for byte. */
  lines: Record<string, LineChange[]>;
  /** Other files that must change (the tests' own fixtures), checked by the caller. */
  changed?: string[];
  /** Directories where new files may appear (unpacked packages). */
  newUnder?: string[];
  /** Hosts the run changes; the others must be ok. */
  hosts: string[];
  /** What the handlers ask of the services (hosts run in parallel: compared sorted). */
  calls: string[];
}

export interface Phases {
  /** Everything the CLI printed in all three phases (for secrets). */
  output: string;
  check: RunReport;
  applied: RunReport;
}

const changedHosts = (r: RunReport): string[] => r.hosts.filter((h) => h.status === "changed").map((h) => h.host).sort();
const why = (r: { stdout: string; stderr: string }): string => `${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`;

/** --check --diff writes nothing; apply changes exactly the expected lines; a second run changes and restarts nothing. */
export async function conform(lab: Lab, playbook: string, args: string[], want: Expected): Promise<Phases> {
  const hosts = join(lab.dir, "hosts");
  const texts = Object.fromEntries(Object.keys(want.lines).map((p) => [p, readFileSync(p, "utf8")]));
  const snapshot = snapshotTree(hosts);
  const before = contentOf(hosts);
  const earlier = lab.calls().length;
  const calls = (): string[] => lab.calls().slice(earlier).sort();

  const diff = await lab.run(playbook, ...args, "--check", "--diff");
  expect(diff.code, why(diff)).to.equal(0);
  const checked = await lab.run(playbook, ...args, "--check", "--diff", "--json");
  expect(checked.code, why(checked)).to.equal(0);
  const check = reportOf(checked);
  expect(changedHosts(check), "hosts --check plans to change").to.deep.equal([...want.hosts].sort());
  expect(snapshotTree(hosts), "--check wrote nothing").to.deep.equal(snapshot);
  expect(calls(), "--check restarted nothing").to.deep.equal([]);

  const apply = await lab.run(playbook, ...args, "--json");
  expect(apply.code, why(apply)).to.equal(0);
  const applied = reportOf(apply);
  expect(changedHosts(applied), "hosts changed").to.deep.equal([...want.hosts].sort());
  const after = contentOf(hosts);
  const touched = differing(before, after);
  const allowed = (p: string): boolean => p in want.lines || (want.changed ?? []).includes(p) || (want.newUnder ?? []).some((d) => p.startsWith(`${d}/`) && !before.has(p));
  expect(touched.filter((p) => !allowed(p)), "files changed that should not be").to.deep.equal([]);
  expect(touched.filter((p) => p in want.lines || (want.changed ?? []).includes(p)).sort(), "files changed").to.deep.equal([...Object.keys(want.lines), ...(want.changed ?? [])].sort());
  for (const [path, lines] of Object.entries(want.lines)) expect(lineChanges(texts[path] ?? "", readFileSync(path, "utf8")), path).to.deep.equal(lines);
  expect(calls(), "handlers").to.deep.equal([...want.calls].sort());

  const again = await lab.run(playbook, ...args, "--json");
  expect(again.code, why(again)).to.equal(0);
  const rerun = reportOf(again);
  expect(rerun.hosts.map((h) => `${h.host} ${h.status}`), "second run").to.deep.equal(rerun.hosts.map((h) => `${h.host} ok`));
  expect(differing(after, contentOf(hosts)), "second run wrote").to.deep.equal([]);
  expect(calls(), "second run restarted nothing").to.deep.equal([...want.calls].sort());
  return { output: [diff, checked, apply, again].map((r) => r.stdout + r.stderr).join("\n"), check, applied };
}

/** The run is refused before any change, in check mode and applying: exit 1, `message` said, nothing written or restarted. */
export async function refused(lab: Lab, playbook: string, args: string[], message: RegExp): Promise<string> {
  const hosts = join(lab.dir, "hosts");
  const snapshot = snapshotTree(hosts);
  let output = "";
  const earlier = lab.calls().length;
  for (const mode of [["--check", "--diff"], []]) {
    const r = await lab.run(playbook, ...args, ...mode);
    expect(r.code, why(r)).to.equal(1);
    expect(r.stdout + r.stderr).to.match(message);
    expect(snapshotTree(hosts), `nothing written (${mode.join(" ") || "apply"})`).to.deep.equal(snapshot);
    output += r.stdout + r.stderr;
  }
  expect(lab.calls().slice(earlier), "nothing restarted").to.deep.equal([]);
  return output;
}

/** How each host's generation was known, as the run reported it. */
export const generations = (r: RunReport): Record<string, string> =>
  Object.fromEntries(r.hosts.map((h) => [h.host, h.generation ? `${h.generation.name} (${h.generation.from})` : "none"]));

/** None of `secrets` appears in what the CLI printed (the lines that show one are the failure's message). */
export function expectHidden(output: string, secrets: readonly string[]): void {
  const shown = output.split("\n").flatMap((line) => {
    const at = Math.max(...secrets.map((s) => line.indexOf(s)));
    return at < 0 ? [] : [line.slice(Math.max(0, at - 40), at + 60)];
  });
  expect(shown, "secret values printed").to.deep.equal([]);
}
