import { resolve } from "node:path";
import { shippedPlaybooksDir } from "../paths.js";

/** A bare name means a shipped playbook; anything with a slash or a .yaml/.yml suffix is a file. */
export function resolvePlaybookRef(ref: string): string {
  return /[/\\]|\.ya?ml$/.test(ref) ? resolve(ref) : resolve(shippedPlaybooksDir, `${ref}.yaml`);
}
