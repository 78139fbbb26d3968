import { StepError } from "../errors.js";
import { shellQuote } from "./shell-quote.js";
import type { StepType } from "./types.js";
import { t } from "../i18n/t.js";

export interface CheckParams {
  command: string;
  retries?: number;
  delay?: number;
}

/** Retries the command until it exits 0; the last attempt's output is what a failure shows. */
const SCRIPT = 'cmd=$1 tries=$2 delay=$3 n=0; while :; do sh -c "$cmd" && exit 0; c=$?; [ "$n" -ge "$tries" ] && exit "$c"; n=$((n + 1)); sleep "$delay"; done';

function checkCommand(p: CheckParams): string {
  return `sh -c ${shellQuote(SCRIPT)} check ${shellQuote(p.command)} ${p.retries ?? 0} ${p.delay ?? 2}`;
}

export const check: StepType<CheckParams> = {
  name: "check",
  summary: "Read-only check on the host: a command that must exit 0 (e.g. a port listening), with retries",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["command"],
    properties: {
      command: { type: "string", minLength: 1, description: "Read-only command; it also runs in check mode" },
      retries: { type: "integer", minimum: 0, description: "Further attempts after a failure (default 0)" },
      delay: { type: "integer", minimum: 0, description: "Seconds between attempts (default 2)" },
    },
  },
  readOnly: true,
  shellParams: ["command"],
  probes(p) {
    return [{ kind: "command", command: checkCommand(p) }];
  },
  plan(p, facts) {
    const r = facts.command(checkCommand(p));
    if (r.exitCode !== 0) {
      const out = (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ");
      throw new StepError(out ? t("step.checkExitedWith", { output: out, command: p.command, code: r.exitCode }) : t("step.checkExited", { command: p.command, code: r.exitCode }));
    }
    return { changes: [], messages: [`\`${p.command}\` exited 0`] };
  },
};
