import { InputError, formatProblem, type Problem } from "../../errors.js";
import { loadPlaybook } from "../../playbook/load.js";
import { shellWarnings } from "../../playbook/shell-warnings.js";
import { painter } from "../../report/color.js";
import { loadInputs } from "../load-inputs.js";
import { t } from "../../i18n/t.js";

/** Validate every playbook given and print every problem found, not the first one. */
export function validateCommand(refs: string[], o: { inventory?: string; extraVar: string[]; varsFile?: string }): void {
  const problems: Problem[] = [];
  const c = painter(process.stdout);
  for (const ref of refs) {
    try {
      const playbook = o.inventory ? loadInputs(ref, { inventory: o.inventory, extraVar: o.extraVar, ...(o.varsFile ? { varsFile: o.varsFile } : {}) }).playbook : loadPlaybook(ref);
      for (const w of shellWarnings(playbook)) process.stderr.write(`${formatProblem(w)}\n`);
      process.stdout.write(`${c("green", t("cli.validated"))} ${playbook.name} (${playbook.file})\n`);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
}
