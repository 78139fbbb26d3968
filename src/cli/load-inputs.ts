import { readFileSync } from "node:fs";
import { InputError, type Problem } from "../errors.js";
import { buildWork, type BuiltWork } from "../engine/build-work.js";
import { emptyPlays } from "../engine/empty-plays.js";
import { selectHosts } from "../inventory/limit.js";
import { loadInventory } from "../inventory/load.js";
import type { Host, Inventory } from "../inventory/types.js";
import { loadPlaybook } from "../playbook/load.js";
import { controlProblem } from "../source/control-chars.js";
import type { Playbook } from "../playbook/types.js";
import { checkGivenNames, envName, envVars, parseExtraVars, readVarsFile, unmaskableSecrets, type GivenVar } from "../playbook/vars.js";
import { askSecret, canAsk } from "../transport/prompt.js";
import { t } from "../i18n/t.js";
import { localDescription } from "../playbook/translations.js";

export interface InputFlags {
  inventory: string;
  extraVar: string[];
  varsFile?: string;
  limit?: string;
  /** Values recorded in a plan file, located there (above the environment, below --vars-file and -e). */
  preset?: Record<string, GivenVar>;
}

export interface Inputs {
  playbook: Playbook;
  inventory: Inventory;
  built: BuiltWork;
  given: Record<string, GivenVar>;
}

interface Gathered {
  playbook: Playbook | undefined;
  inventory: Inventory | undefined;
  hosts: Host[] | undefined;
  given: Record<string, GivenVar> | undefined;
  problems: Problem[];
  warnings: string[];
}

/** Everything a run needs, loaded and checked; every problem in every file is reported before any host is contacted. */
export function loadInputs(ref: string, flags: InputFlags): Inputs {
  return finish(gather(ref, flags));
}

/**
 * As loadInputs, for commands that run: a secret that is missing (or in `mustGive`, and not given) is asked for on
 * the terminal, without echo, when there is one; a secret in `mustGive` still missing is the problem `why` says.
 * Warnings (a secret given in argv, a likely misspelt BKPLAY_VAR_) go to stderr.
 */
export async function loadInputsAsking(ref: string, flags: InputFlags, mustGive: readonly string[] = [], why?: (name: string) => string): Promise<Inputs> {
  const g = gather(ref, flags);
  for (const w of g.warnings) process.stderr.write(`${t("cli.warning", { message: w })}\n`);
  const { playbook, hosts, given } = g;
  if (playbook && hosts && given && g.problems.length === 0) {
    const missing = Object.entries(playbook.vars)
      .filter(([name, spec]) => spec.secret === true && !(name in given) && spec.read === undefined)
      .filter(([name, spec]) => mustGive.includes(name) || (!("default" in spec) && hosts.some((h) => !(name in h.vars))));
    if (missing.length > 0 && canAsk()) {
      for (const [name, spec] of missing) {
        const description = localDescription(spec.description, spec.description_zh);
        const value = await askSecret(`bkplay-var:${name}`, t("ask.secret", { playbook: playbook.name, name, what: description ? ` (${description})` : "" }));
        if (value !== null) given[name] = { value, origin: `${name} as typed` };
      }
    }
    for (const name of mustGive) if (!(name in given) && why) g.problems.push({ message: why(name) });
  }
  return finish(g);
}

/**
 * Variables given, later ones winning: the environment (`BKPLAY_VAR_<name>`), a plan's recorded values, --vars-file
 * (`-`: standard input), -e. Below them all the inventory, then the playbook's defaults (see resolveHostVars).
 */
function gather(ref: string, flags: InputFlags): Gathered {
  const problems: Problem[] = [];
  const warnings: string[] = [];
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
  const env = playbook ? envVars(playbook) : { given: {}, warnings: [] };
  warnings.push(...env.warnings);
  if (playbook) {
    // Read once; the processes bkplay starts (a local host's shell) never inherit a secret.
    for (const [name, spec] of Object.entries(playbook.vars)) if (spec.secret === true) Reflect.deleteProperty(process.env, envName(name));
  }
  const preset = flags.preset ?? {};
  const given = attempt(() => ({ ...env.given, ...preset, ...(flags.varsFile ? readVarsFile(flags.varsFile) : {}), ...parseExtraVars(flags.extraVar) }));
  if (playbook && given) problems.push(...checkGivenNames(playbook, given));
  if (playbook && inventory) problems.push(...emptyPlays(playbook, inventory));
  const hosts = inventory ? attempt(() => selectHosts(inventory, flags.limit)) : undefined;
  for (const g of Object.values(given ?? {})) problems.push(...[controlProblem(g.value, g.origin, g.location)].filter((p) => p !== undefined));
  if (playbook && given) {
    for (const [name, g] of Object.entries(given)) {
      if (playbook.vars[name]?.secret === true && g.origin.startsWith("-e ") && !g.origin.startsWith("-e @")) {
        warnings.push(t("vars.onCommandLine", { name, env: envName(name) }));
      }
    }
  }
  return { playbook, inventory, hosts, given, problems, warnings };
}

function finish({ playbook, inventory, hosts, given, problems }: Gathered): Inputs {
  if (playbook && inventory && hosts && given) problems.push(...unmaskableSecrets(playbook, readFileSync(playbook.file, "utf8"), inventory, hosts, given));
  if (problems.length > 0 || !playbook || !inventory || !given || !hosts) throw new InputError(problems);
  return { playbook, inventory, given, built: buildWork(playbook, inventory, hosts, given) };
}
