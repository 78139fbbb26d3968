import { readdirSync } from "node:fs";
import { join } from "node:path";
import { shippedPlaybooksDir } from "../../paths.js";
import { loadPlaybook } from "../../playbook/load.js";
import { patternTerms } from "../../inventory/limit.js";
import type { Playbook } from "../../playbook/types.js";
import { t } from "../../i18n/t.js";
import { padCells } from "../../i18n/width.js";
import { localDescription } from "../../playbook/translations.js";
import { painter } from "../../report/color.js";

interface ListedVar {
  name: string;
  required: boolean;
  default?: unknown;
  /** Read on these hosts before the run unless given (e.g. the domain PaaS serves today). */
  read?: { hosts: string; key: string };
  type: string;
  secret: boolean;
  description: string;
  description_zh?: string;
}

export function listCommand(o: { json?: boolean }): void {
  const playbooks = readdirSync(shippedPlaybooksDir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => loadPlaybook(join(shippedPlaybooksDir, f)))
    .map((p) => ({
      name: p.name,
      description: p.description,
      ...(p.descriptionZh === undefined ? {} : { description_zh: p.descriptionZh }),
      groups: groupsNeeded(p),
      vars: Object.entries(p.vars).map(([name, spec]): ListedVar => {
        const v: ListedVar = { name, required: !("default" in spec) && spec.read === undefined, type: Array.isArray(spec.type) ? spec.type.join("|") : (spec.type ?? "string"), secret: spec.secret === true, description: spec.description ?? "" };
        if (spec.description_zh !== undefined) v.description_zh = spec.description_zh;
        if ("default" in spec) v.default = spec.default;
        if (spec.read) v.read = { hosts: spec.read.hosts, key: spec.read.python ?? spec.read.yaml ?? "" };
        return v;
      }),
    }));
  if (o.json) {
    process.stdout.write(`${JSON.stringify(playbooks, null, 2)}\n`);
    return;
  }
  const c = painter(process.stdout);
  for (const p of playbooks) {
    process.stdout.write(`${c("bold", p.name)} — ${localDescription(p.description, p.description_zh) ?? ""}\n`);
    process.stdout.write(`    ${c("gray", t("list.groups"))} ${p.groups.map((g) => (g.optional ? t("list.optional", { name: g.name }) : g.name)).join(", ")}\n`);
    for (const v of p.vars) {
      const flag = v.required ? c("yellow", t("list.required")) : v.read ? t("list.readFrom", { hosts: v.read.hosts, key: v.read.key }) : t("list.default", { value: JSON.stringify(v.default) });
      const description = localDescription(v.description, v.description_zh);
      process.stdout.write(`    ${padCells(v.name, 18)} ${padCells(v.type, 8)} ${flag}${v.secret ? t("list.secret") : ""}${description ? `  ${c("gray", description)}` : ""}\n`);
    }
  }
}

/** The groups an inventory must have for a playbook: every name its plays' patterns use (a play marked optional may match none). */
function groupsNeeded(p: Playbook): { name: string; optional: boolean }[] {
  const groups = new Map<string, boolean>();
  for (const play of p.plays) {
    for (const t of patternTerms(play.hosts).filter((t) => !/[*?[]/.test(t))) groups.set(t, (groups.get(t) ?? true) && play.optional);
  }
  return [...groups].map(([name, optional]) => ({ name, optional }));
}
