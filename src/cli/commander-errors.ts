import { currentLang } from "../i18n/lang.js";
import type { MessageKey } from "../i18n/catalogue/index.js";
import { t } from "../i18n/t.js";

/** Commander's usage errors, as it words them (commander 14), and what each says in the catalogue. */
const PATTERNS: readonly [RegExp, MessageKey, readonly string[]][] = [
  [/^error: unknown option '(.+?)'/, "usage.unknownOption", ["option"]],
  [/^error: unknown command '(.+?)'/, "usage.unknownCommand", ["command"]],
  [/^error: required option '(.+?)' not specified/, "usage.requiredOption", ["option"]],
  [/^error: missing required argument '(.+?)'/, "usage.missingArgument", ["argument"]],
  [/^error: option '(.+?)' argument missing/, "usage.optionValueMissing", ["option"]],
  [/^error: option '(.+?)' argument '(.*?)' is invalid\. Allowed choices are (.+?)\.$/m, "usage.invalidChoice", ["option", "value", "choices"]],
  [/^error: option '(.+?)' argument '(.*?)' is invalid\. (.+)$/m, "usage.invalidValue", ["option", "value", "reason"]],
  [/^error: too many arguments(?: for '(.+?)')?\. Expected (\d+) arguments? but got (\d+)\./, "usage.tooManyArguments", ["command", "expected", "got"]],
];

/** A usage error in the run's language; a suggestion commander adds (`(Did you mean …?)`) is kept, translated. */
export function translateCommanderError(text: string): string {
  if (currentLang() === "en") return text;
  for (const [re, key, names] of PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, m[i + 1] ?? ""]));
    const hint = /\(Did you mean (?:one of )?(.+?)\?\)/.exec(text);
    return `${t(key, params)}${hint ? `\n${t("usage.didYouMean", { candidates: hint[1] ?? "" })}` : ""}\n`;
  }
  return text;
}
