import type { Problem } from "../errors.js";
import { currentLang } from "../i18n/lang.js";
import { t } from "../i18n/t.js";
import type { YamlSource } from "../source/yaml-file.js";
import type { VarSpec } from "./types.js";

/** A description in this run's language: `description_zh` under Chinese when there is one, else `description`. */
export const localDescription = (en: string | undefined, zh: unknown): string | undefined => (currentLang() === "zh" && typeof zh === "string" && zh !== "" ? zh : en);

/**
 * `description_zh` is a non-empty string wherever it is written; a shipped playbook has it, and every one of its
 * variables has a description in both languages (operators read them in either).
 */
export function checkTranslations(raw: { description_zh?: unknown; vars?: Record<string, VarSpec> }, source: YamlSource, shipped: boolean): Problem[] {
  const problems: Problem[] = [];
  const at = (path: (string | number)[], key: boolean): Pick<Problem, "location" | "path"> => ({ location: key ? source.locateKey(path) : source.locate(path), path: path.join(".") });
  if (shipped && raw.description_zh === undefined) problems.push({ message: t("playbook.noChineseDescription"), ...at(["description"], true) });
  for (const [name, spec] of Object.entries(raw.vars ?? {})) {
    const zh = spec.description_zh;
    if (zh !== undefined && (typeof zh !== "string" || zh === "")) problems.push({ message: t("playbook.badChineseDescription", { name }), ...at(["vars", name, "description_zh"], false) });
    else if (shipped && (typeof spec.description !== "string" || zh === undefined)) problems.push({ message: t("playbook.varUntranslated", { name }), ...at(["vars", name], true) });
  }
  return problems;
}
