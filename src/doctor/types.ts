import type { BkView, NodeView } from "../generations/host-layout.js";
import type { Generation } from "../generations/layouts.js";
import type { Host } from "../inventory/types.js";
import type { Facts, Probe } from "../steps/types.js";

/** ok; warn; fail; unknown: could not tell (a file missing where the generation keeps it, a command absent); error: the check broke. */
export const OUTCOMES = ["ok", "warn", "fail", "unknown", "error"] as const;
export type Outcome = (typeof OUTCOMES)[number];

import type { Lang, Text } from "../i18n/lang.js";

export type { Lang, Text };

/**
 * Where a check reads, for one host as one generation would lay it out (`bk` and `node` null for checks that need
 * no generation; `bk` null too on a generation without a PaaS tree).
 */
export interface ProbeTarget {
  host: Host;
  bk: BkView | null;
  node: NodeView | null;
}

/** What one host answered, as a check sees it. */
export interface HostView {
  name: string;
  host: Host;
  generation: Generation | null;
  /** The host's PaaS layout; null when the check needs no generation and the host has none, or on ce7 (no PaaS tree). */
  bk: BkView | null;
  /** The host's node-side paths (GSE agent, hosts file); null when the check needs no generation and the host has none. */
  node: NodeView | null;
  facts: Facts;
  /** The controller's clock around the probe round trip (ms since the epoch): the host's clock was read between. */
  bracket: { before: number; after: number };
}

/** Hosts judged together: one BlueKing install (hosts of one generation). */
export interface FleetView {
  hosts: HostView[];
  /** The inventory file as the operator gave it (fix command lines name it). */
  inventory: string;
  /** Every host of the inventory selected for this run, by name (a check names hosts of other groups). */
  groups: Readonly<Record<string, readonly string[]>>;
}

/** A fix: a shipped playbook with a ready command line, or a manual step. */
export interface Fix {
  playbook?: string;
  /** The shipped playbook's command line, with the values the check found. */
  command?: string;
  /** When no playbook ships: the commands to type on the hosts named. */
  steps?: string[];
  text: Text;
}

/** What a judgement found: anything but ok. */
export interface Verdict {
  outcome: Exclude<Outcome, "ok">;
  hosts: string[];
  /** One line, language-neutral facts (paths, keys, values — never a secret's value). */
  message: string;
  evidence?: string[];
  fix?: Fix;
}

/** A check: data-shaped, like a step. What it reads, and a pure judgement over what the hosts answered. */
export interface Check {
  id: string;
  title: Text;
  /** The runbook symptom it explains. */
  symptom: Text;
  /** What to do, in words (the verdict's fix carries the command line with the values found). */
  fix: Text;
  /** Inventory groups it applies to (any of them); all hosts when absent. */
  groups?: readonly string[];
  /** Generations it applies to; when absent, those with a PaaS tree (oss, ce5, ce6). */
  generations?: readonly Generation[];
  /** Its paths depend on the host's generation (default true): a host whose generation is unknown is `unknown`. */
  needsGeneration?: boolean;
  /**
   * Judge every host it applies to together, whatever their generations (default: each install apart). For
   * what hosts share beyond an install, and hosts with no generation: a MySQL host, the time zone.
   */
  wholeFleet?: boolean;
  probes(target: ProbeTarget): Probe[];
  /** Pure. Only the findings: no verdict on hosts it judged means they are ok. */
  judge(fleet: FleetView): Verdict[];
}
