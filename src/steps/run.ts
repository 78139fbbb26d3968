import { posix } from "node:path";
import { planGuarded, type Verdict } from "./guard.js";
import { shellQuote } from "./shell-quote.js";
import type { Change, Facts, Probe, StepType } from "./types.js";

export interface RunParams {
  command: string;
  creates?: string;
  removes?: string;
  unless?: string;
  only_if?: string;
  stdin?: string;
  chdir?: string;
}

export const run: StepType<RunParams> = {
  name: "run",
  summary: "Run a shell command, guarded by creates/removes paths or unless/only_if probe commands",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["command"],
    properties: {
      command: { type: "string", minLength: 1, description: "Shell command (sh) run on the host" },
      creates: { type: "string", minLength: 1, description: "Skip when this path exists (relative paths are below chdir)" },
      removes: { type: "string", minLength: 1, description: "Run only when this path exists (relative paths are below chdir)" },
      unless: { type: "string", minLength: 1, description: "Read-only probe command (run in check mode too, in chdir): skip when it exits 0" },
      only_if: { type: "string", minLength: 1, description: "Read-only probe command (run in check mode too, in chdir): run only when it exits 0" },
      stdin: { type: "string", description: "Text fed to the command's standard input (never on its command line)" },
      chdir: { type: "string", minLength: 1, description: "Directory the command and its probes run in" },
    },
  },
  shellParams: ["command", "unless", "only_if"],
  probes(p) {
    const probes: Probe[] = [];
    for (const path of [p.creates, p.removes]) if (path !== undefined) probes.push({ kind: "stat", path: inDir(p, path) });
    for (const cmd of [p.unless, p.only_if]) if (cmd !== undefined) probes.push({ kind: "command", command: inShellDir(p, cmd) });
    return probes;
  },
  plan(p, facts) {
    return planGuarded(verdicts(p, facts), "no creates/removes/unless/only_if: always runs", (reason) => {
      const change: Change = { kind: "run", command: inShellDir(p, p.command), reason };
      if (p.stdin !== undefined) change.stdin = p.stdin;
      return change;
    });
  },
};

function verdicts(p: RunParams, facts: Facts): Verdict[] {
  const out: Verdict[] = [];
  const exists = (path: string): boolean => facts.stat(inDir(p, path)).exists;
  const exitOf = (cmd: string): number => facts.command(inShellDir(p, cmd)).exitCode;
  if (p.creates !== undefined) {
    const present = exists(p.creates);
    out.push({ run: !present, reason: `creates ${p.creates}: ${present ? "exists" : "missing"}` });
  }
  if (p.removes !== undefined) {
    const present = exists(p.removes);
    out.push({ run: present, reason: `removes ${p.removes}: ${present ? "exists" : "missing"}` });
  }
  if (p.unless !== undefined) {
    const code = exitOf(p.unless);
    out.push({ run: code !== 0, reason: `unless \`${p.unless}\`: exit ${code}` });
  }
  if (p.only_if !== undefined) {
    const code = exitOf(p.only_if);
    out.push({ run: code === 0, reason: `only_if \`${p.only_if}\`: exit ${code}` });
  }
  return out;
}

/** Guard paths follow the command into chdir, as a person typing them there would mean. */
function inDir(p: RunParams, path: string): string {
  return p.chdir === undefined || posix.isAbsolute(path) ? path : posix.join(p.chdir, path);
}

/** The braces keep every line of a multi-line command (or `a; b`) from running when cd failed. */
function inShellDir(p: RunParams, command: string): string {
  return p.chdir === undefined ? command : `cd ${shellQuote(p.chdir)} && {\n${command}\n}`;
}
