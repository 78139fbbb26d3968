import { writeFileSync } from "node:fs";
import { CHECKS } from "../../doctor/checks/index.js";
import { renderMarkdown, renderText } from "../../doctor/render.js";
import { runDoctor } from "../../doctor/run-doctor.js";
import type { Check } from "../../doctor/types.js";
import { InputError } from "../../errors.js";
import { selectHosts } from "../../inventory/limit.js";
import { loadInventory } from "../../inventory/load.js";
import { makeRedactor, redactDeep } from "../../report/redact.js";
import { closest } from "../../schema/closest.js";
import { t } from "../../i18n/t.js";

export interface DoctorFlags {
  inventory: string;
  limit?: string;
  only?: string;
  skip?: string;
  json?: boolean;
  report?: string;
  strict?: boolean;
  forks: number;
  timeout: number;
}

/** `--only a,b` / `--skip a,b`: check ids, each one known (a misspelt one is bad input with the id it likely meant). */
function ids(flag: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const known = CHECKS.map((c) => c.id);
  const list = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const bad = list.filter((id) => !known.includes(id));
  if (bad.length > 0) {
    throw new InputError(bad.map((id) => t("doctor.noCheck", { flag, id, hint: closest(id, known) ? t("doctor.didYouMean", { hint: closest(id, known) ?? "" }) : "", known: known.join(", ") })).join("\n"));
  }
  return list;
}

export async function doctorCommand(o: DoctorFlags): Promise<void> {
  const only = ids("--only", o.only);
  const skip = ids("--skip", o.skip) ?? [];
  const checks: Check[] = CHECKS.filter((c) => (only === undefined || only.includes(c.id)) && !skip.includes(c.id));
  const inventory = loadInventory(o.inventory);
  const hosts = selectHosts(inventory, o.limit);
  const run = await runDoctor(hosts, checks, { inventory: o.inventory, groups: inventory.groups, forks: o.forks, timeoutMs: o.timeout * 1000 });
  // A check never shows a secret's value; the report is masked with every one the hosts' files hold all the same.
  const report = redactDeep(run.report, makeRedactor(run.secrets));
  if (o.report !== undefined) writeFileSync(o.report, renderMarkdown(report, checks));
  process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report, checks));
  const s = report.summary;
  process.exitCode = s.fail > 0 || (o.strict && s.warn > 0) ? 1 : 0;
}
