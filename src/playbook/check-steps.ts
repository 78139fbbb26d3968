import type { Problem } from "../errors.js";
import type { YamlSource } from "../source/yaml-file.js";
import { stepTypes } from "../steps/index.js";
import { isTemplate } from "./template.js";
import type { StepDef, VarSpec } from "./types.js";
import { t } from "../i18n/t.js";

/** Why `source` (with `flags`) is not a JavaScript regular expression; null when it is, or when a template decides it. */
export function regexpError(source: unknown, flags: unknown = ""): string | null {
  if (typeof source !== "string" || typeof flags !== "string" || isTemplate(source) || isTemplate(flags)) return null;
  try {
    new RegExp(source, flags);
    return null;
  } catch (err) {
    return t("check.badRegexp", { source, flags, reason: (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "") });
  }
}

/** Every regexp a step (or a variable's `read.match`) holds, checked once at load: a bad one is bad input, not a failed host. */
export function checkRegexps(steps: readonly StepDef[], vars: Record<string, VarSpec>, source: YamlSource): Problem[] {
  const inSteps = steps.flatMap((s) =>
    (stepTypes.get(s.type)?.regexps?.(s.params) ?? []).flatMap(({ param, source: re, flags }) => {
      const why = regexpError(re, flags);
      const path = [...s.path, s.type, param];
      return why === null ? [] : [{ message: why, location: source.locate(path), path: path.join(".") }];
    }),
  );
  const inVars = Object.entries(vars).flatMap(([name, spec]) => {
    const why = regexpError(spec.read?.match);
    const path = ["vars", name, "read", "match"];
    return why === null ? [] : [{ message: why, location: source.locate(path), path: path.join(".") }];
  });
  return [...inSteps, ...inVars];
}

/** `verify:` runs after a batch is applied: only steps that never change anything may stand there. */
export function checkVerifySteps(verify: readonly StepDef[], source: YamlSource): Problem[] {
  const readOnly = [...stepTypes.values()].filter((t) => t.readOnly === true).map((t) => t.name);
  return verify
    .filter((s) => stepTypes.get(s.type)?.readOnly !== true)
    .map((s) => {
      const path = [...s.path, s.type];
      return { message: t("check.verifyReadOnly", { types: readOnly.join(", "), type: s.type }), location: source.locateKey(path), path: path.join(".") };
    });
}
