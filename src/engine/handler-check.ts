import { shellQuote } from "../steps/shell-quote.js";
import type { Facts, Probe } from "../steps/types.js";
import type { RenderedStep } from "./work.js";
import { t } from "../i18n/t.js";

// Words a command may start with that are not programs to look for.
const SHELL_WORDS = new Set(["cd", "if", "for", "while", "case", "test", "[", "exec", "env", "sudo", "sh", "bash", "export", "set", "!", "{", "(", "true", "false", "echo", "printf", "command"]);

/** The program a `run` handler starts with, when it is a plain word or path (`$x`, quotes, `a=b` are not). */
function program(h: RenderedStep): string | undefined {
  if (h.type.name !== "run") return undefined;
  const command = h.params.command;
  if (typeof command !== "string") return undefined;
  const first = /^\s*([A-Za-z0-9_./-]+)(?=\s|$)/.exec(command)?.[1];
  if (first === undefined || SHELL_WORDS.has(first) || first.includes("=")) return undefined;
  // `cd dir && x` handlers (chdir) start with cd: their program is checked where it runs, not here.
  return first;
}

const lookup = (name: string): string => `command -v -- ${shellQuote(name)}`;

/** What must be read to know a handler can run (its program exists); `service` handlers probe their own manager. */
export function handlerProbes(handlers: readonly RenderedStep[]): Probe[] {
  return handlers.flatMap((h) => {
    const p = program(h);
    return p === undefined ? [] : [{ kind: "command" as const, command: lookup(p) }];
  });
}

/** Why a handler cannot run on this host, before anything is written; null when it can. */
export function handlerProblem(h: RenderedStep, facts: Facts): string | null {
  const p = program(h);
  if (p === undefined || facts.command(lookup(p)).exitCode === 0) return null;
  return t("engine.handlerCannotRun", { name: h.def.name, command: String(h.params.command), program: p });
}
