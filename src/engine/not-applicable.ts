import type { Problem } from "../errors.js";
import { PAAS_VIEW_KEYS } from "../generations/host-layout.js";
import { isPaasGeneration, type Generation } from "../generations/layouts.js";
import { t } from "../i18n/t.js";

/** The catalogue's "undefined variable" message (in this run's language) as a pattern capturing the name after `bk.`. */
function undefinedName(): RegExp {
  const [before = "", after = ""] = t("tpl.undefined", { name: "\u0000" }).split("\u0000").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`${before}(?:bk\\.)?(\\w+)${after}`);
}

/**
 * A playbook that names a PaaS path (`bk.paas_settings`) cannot be rendered for a generation whose hosts keep no
 * PaaS tree: there it does not apply, and one problem says so instead of the template errors it caused. Null when
 * the variant's problems are its own.
 */
export function notApplicable(g: Generation | null, playbook: string, problems: readonly Problem[]): Problem | null {
  if (g === null || isPaasGeneration(g)) return null;
  const undefinedVar = undefinedName();
  const key = problems.map((p) => undefinedVar.exec(p.message)?.[1]).find((k) => k !== undefined && PAAS_VIEW_KEYS.has(k));
  if (key === undefined) return null;
  return { message: t("node.notApplicable", { playbook, key }) };
}
