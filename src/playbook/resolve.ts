import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { InputError } from "../errors.js";
import { shippedPlaybooksDir } from "../paths.js";
import { closest } from "../schema/closest.js";

/** A bare name means a shipped playbook; anything with a slash or a .yaml/.yml suffix is a file. */
export function resolvePlaybookRef(ref: string): string {
  if (/[/\\]|\.ya?ml$/.test(ref)) return resolve(ref);
  const file = resolve(shippedPlaybooksDir, `${ref}.yaml`);
  if (existsSync(file)) return file;
  const shipped = shippedPlaybookNames();
  const hint = closest(ref, shipped);
  throw new InputError(`no shipped playbook '${ref}'${hint ? ` — did you mean '${hint}'?` : ` (shipped: ${shipped.join(", ")}).`} See \`bkplay list\`, or give a path to a .yaml file.`);
}

export function shippedPlaybookNames(): string[] {
  return readdirSync(shippedPlaybooksDir).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -".yaml".length)).sort();
}
