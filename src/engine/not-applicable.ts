import type { Problem } from "../errors.js";
import { PAAS_VIEW_KEYS } from "../generations/host-layout.js";
import { isPaasGeneration, type Generation } from "../generations/layouts.js";

const UNDEFINED = /undefined variable '(?:bk\.)?(\w+)'/;

/**
 * A playbook that names a PaaS path (`bk.paas_settings`) cannot be rendered for a generation whose hosts keep no
 * PaaS tree: there it does not apply, and one problem says so instead of the template errors it caused. Null when
 * the variant's problems are its own.
 */
export function notApplicable(g: Generation | null, playbook: string, problems: readonly Problem[]): Problem | null {
  if (g === null || isPaasGeneration(g)) return null;
  const key = problems.map((p) => UNDEFINED.exec(p.message)?.[1]).find((k) => k !== undefined && PAAS_VIEW_KEYS.has(k));
  if (key === undefined) return null;
  return { message: `${playbook} does not apply here: bkce 7.x runs PaaS in Kubernetes and its nodes keep no PaaS files (the playbook reads bk.${key}); run it on the hosts of a PaaS install, or check bk_generation` };
}
