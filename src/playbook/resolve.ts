import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { InputError } from "../errors.js";
import { shippedPlaybooksDir } from "../paths.js";
import { closest } from "../schema/closest.js";
import { t } from "../i18n/t.js";

/** A bare name means a shipped playbook; anything with a slash or a .yaml/.yml suffix is a file. */
export function resolvePlaybookRef(ref: string): string {
  if (/[/\\]|\.ya?ml$/.test(ref)) return resolve(ref);
  const file = resolve(shippedPlaybooksDir, `${ref}.yaml`);
  if (existsSync(file)) return file;
  const shipped = shippedPlaybookNames();
  const hint = closest(ref, shipped);
  throw new InputError(`${t("playbook.noShipped", { ref })}${hint ? t("schema.didYouMean", { hint }) : t("playbook.shipped", { names: shipped.join(", ") })} ${t("playbook.seeList")}`);
}

export function shippedPlaybookNames(): string[] {
  return readdirSync(shippedPlaybooksDir).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -".yaml".length)).sort();
}
