import { InputError, type Problem } from "../errors.js";
import { buildWork, type BuiltWork } from "../engine/build-work.js";
import { emptyPlays } from "../engine/empty-plays.js";
import { selectHosts } from "../inventory/limit.js";
import { loadInventory } from "../inventory/load.js";
import type { Inventory } from "../inventory/types.js";
import { loadPlaybook } from "../playbook/load.js";
import { controlProblem } from "../source/control-chars.js";
import type { Playbook } from "../playbook/types.js";
import { checkGivenNames, parseExtraVars, readVarsFile, type GivenVar } from "../playbook/vars.js";

export interface InputFlags {
  inventory: string;
  extraVar: string[];
  varsFile?: string;
  limit?: string;
  /** Values recorded in a plan file, located there (lowest precedence among given values). */
  preset?: Record<string, GivenVar>;
}

export interface Inputs {
  playbook: Playbook;
  inventory: Inventory;
  built: BuiltWork;
  given: Record<string, GivenVar>;
}

/** Everything a run needs, loaded and checked; every problem in every file is reported before any host is contacted. */
export function loadInputs(ref: string, flags: InputFlags): Inputs {
  const problems: Problem[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const playbook = attempt(() => loadPlaybook(ref));
  const inventory = attempt(() => loadInventory(flags.inventory));
  const preset = flags.preset ?? {};
  const given = attempt(() => ({ ...preset, ...(flags.varsFile ? readVarsFile(flags.varsFile) : {}), ...parseExtraVars(flags.extraVar) }));
  if (playbook && given) problems.push(...checkGivenNames(playbook, given));
  if (playbook && inventory) problems.push(...emptyPlays(playbook, inventory));
  const hosts = inventory ? attempt(() => selectHosts(inventory, flags.limit)) : undefined;
  for (const g of Object.values(given ?? {})) problems.push(...[controlProblem(g.value, g.origin, g.location)].filter((p) => p !== undefined));
  if (problems.length > 0 || !playbook || !inventory || !given || !hosts) throw new InputError(problems);
  return { playbook, inventory, given, built: buildWork(playbook, inventory, hosts, given) };
}
