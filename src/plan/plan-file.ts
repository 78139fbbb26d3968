import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { InputError } from "../errors.js";
import type { PlannedHost } from "../engine/host-session.js";
import type { RunReport } from "../engine/results.js";
import type { Change } from "../steps/types.js";
import { hideSecrets } from "./secret-placeholders.js";

/**
 * A reviewed change, serialised (format `bkplay-plan`, version 1):
 * - `playbook` {name, file, sha256}, `inventory` {file, sha256}, `limit`: what was planned and against what;
 * - `vars`: the variables given (-e, --vars-file), secrets left out; `secretVars`: their names (apply asks again);
 * - `hosts`: per host the `status` at plan time and, when it has changes, `changes` (the closed change set:
 *   write-file carries `beforeSha256`, the sha256 of the content it was planned against), `owners` and
 *   `notifies` (which step and handlers each change belongs to) and `steps` (results, with diffs).
 * Secret values inside changes and diffs appear as `«secret:NAME»`. A command's stdin is never recorded.
 */
export interface PlanFile {
  format: "bkplay-plan";
  version: 1;
  runId: string;
  createdAt: string;
  createdBy: string;
  playbook: { name: string; file: string; sha256: string };
  inventory: { file: string; sha256: string };
  limit: string | null;
  vars: Record<string, unknown>;
  secretVars: string[];
  hosts: Record<string, { status: string; error?: string } & Partial<PlannedHost>>;
}

export const sha256File = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");

/** The comparable form of a change list: secrets as placeholders, stdin dropped. */
export function comparable(changes: readonly Change[], secrets: Readonly<Record<string, string>>): Change[] {
  return hideSecrets(changes.map((c) => (c.kind === "run" ? withoutStdin(c) : c)), secrets);
}

function withoutStdin(c: Extract<Change, { kind: "run" }>): Change {
  const { stdin: _stdin, ...rest } = c;
  return rest;
}

export function buildPlanFile(
  report: RunReport,
  plans: ReadonlyMap<string, PlannedHost>,
  input: { playbookFile: string; inventoryFile: string; limit?: string; vars: Record<string, unknown>; secrets: Record<string, string>; secretNames: string[] },
): PlanFile {
  const hosts: PlanFile["hosts"] = {};
  for (const h of report.hosts) {
    const plan = plans.get(h.host);
    hosts[h.host] = { status: h.status, ...(h.error ? { error: h.error } : {}) };
    if (plan && plan.changes.length > 0) {
      Object.assign(hosts[h.host] ?? {}, { changes: comparable(plan.changes, input.secrets), owners: plan.owners, notifies: plan.notifies, steps: hideSecrets(plan.steps, input.secrets) });
    }
  }
  return {
    format: "bkplay-plan",
    version: 1,
    runId: report.runId,
    createdAt: report.startedAt,
    createdBy: `${userInfo().username}@${hostname()}`,
    playbook: { name: report.playbook, file: input.playbookFile, sha256: report.playbookSha256 },
    inventory: { file: input.inventoryFile, sha256: sha256File(input.inventoryFile) },
    limit: input.limit ?? null,
    vars: Object.fromEntries(Object.entries(input.vars).filter(([k]) => !input.secretNames.includes(k))),
    // Only secrets the operator gave are asked for again; a secret's default is rendered again at apply.
    secretVars: input.secretNames.filter((k) => k in input.vars),
    hosts,
  };
}

export function writePlanFile(file: string, plan: PlanFile): void {
  writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
}

export function readPlanFile(file: string): PlanFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(`${file}: not a readable plan file (${(err as Error).message.split("\n")[0] ?? ""})`, { cause: err });
  }
  const p = data as Partial<PlanFile> | null;
  if (p?.format !== "bkplay-plan") throw new InputError(`${file}: not a bkplay plan file (no "format": "bkplay-plan")`);
  if (p.version !== 1) throw new InputError(`${file}: plan format version ${String(p.version)} is not supported (this bkplay reads version 1)`);
  if (!p.playbook?.file || !p.inventory?.file || typeof p.hosts !== "object") throw new InputError(`${file}: plan file is incomplete (playbook, inventory and hosts are required)`);
  return p as PlanFile;
}
