import { StepError } from "../errors.js";
import { t } from "../i18n/t.js";

/** A user's regexp, or a StepError naming the parameter and the pattern (a SyntaxError alone says neither). */
export function compileRegExp(param: string, source: string, flags = ""): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new StepError(t("step.badRegexp", { param, source, flags, reason }), { cause: err });
  }
}
