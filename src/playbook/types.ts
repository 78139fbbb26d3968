import type { SourceLocation } from "../errors.js";

/** A variable declaration: a JSON Schema plus our `secret` annotation; `default` may be a template. */
export interface VarSpec {
  type?: string;
  description?: string;
  /** The description in Chinese (shipped playbooks have both). */
  description_zh?: string;
  default?: unknown;
  secret?: boolean;
  /** The value is read from hosts' files before the run (unless given): see engine/fleet-reads.ts. */
  read?: { hosts: string; file: string | string[]; python?: string; yaml?: string; match?: string };
  [keyword: string]: unknown;
}

export interface StepDef {
  /** Display name; defaults to the step type. */
  name: string;
  /** Step type key, e.g. `py_assign`, or `assert` (cross-host, evaluated on the predicted end state). */
  type: string;
  /** Parameters as written (templates not yet rendered). */
  params: Record<string, unknown>;
  notify: string[];
  /** Template: the step is left out on a host where it renders falsy. */
  when?: string;
  /** Key path inside the playbook, e.g. ["plays", 0, "steps", 2]. */
  path: (string | number)[];
  location: SourceLocation;
}

export interface Play {
  name: string;
  /** Host pattern (group names, host names, globs, `a:b`, `!x`). */
  hosts: string;
  /** The play may match no host of the inventory (otherwise that is bad input). */
  optional: boolean;
  /** Where its `hosts:` is written. */
  hostsLocation: SourceLocation;
  steps: StepDef[];
  path: (string | number)[];
}

export interface Playbook {
  name: string;
  description: string;
  descriptionZh?: string;
  file: string;
  dir: string;
  /** sha256 of the playbook file's bytes (recorded in reports and plans). */
  sha256: string;
  vars: Record<string, VarSpec>;
  /** Where each variable is declared (problems with its default or its absence point there). */
  varLocations: Record<string, SourceLocation>;
  plays: Play[];
  /** Handlers in declaration order; run once each, only when notified by a change. */
  handlers: StepDef[];
  /** Health checks run after each applied batch. */
  verify: StepDef[];
}
