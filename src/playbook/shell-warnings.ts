import Handlebars from "handlebars";
import type { Problem } from "../errors.js";
import { stepTypes } from "../steps/index.js";
import type { Playbook } from "./types.js";
import { t } from "../i18n/t.js";

/**
 * A value templated into a shell command without `quote` can run as code: warn where that happens, in a step's
 * command and in the default of a variable that is a whole command (`command: "{{restart}}"`).
 */
export function shellWarnings(playbook: Playbook): Problem[] {
  const steps = [...playbook.plays.flatMap((p) => p.steps), ...playbook.handlers];
  const warned = new Set<string>();
  return steps.flatMap((s) => {
    const names = stepTypes.get(s.type)?.shellParams ?? [];
    return names.flatMap((param): Problem[] => {
      const text = s.params[param];
      const path = [...s.path, s.type, param].join(".");
      if (typeof text !== "string" || !text.includes("{{")) return [];
      // A parameter that is exactly one variable is a whole command: the operator's, or its default's, checked below.
      const whole = WHOLE.exec(text)?.[1];
      if (whole !== undefined) return defaultWarnings(playbook, whole, path, warned);
      const bare = unquotedMustaches(text);
      return bare.length === 0 ? [] : [{ message: t("shell.unquoted", { vars: bare.map((b) => `{{${b}}}`).join(", ") }), location: s.location, path }];
    });
  });
}

const WHOLE = /^\{\{\s*([\w.]+)\s*\}\}$/;

/** A variable used as a whole command: its default template must quote what it interpolates (followed through `{{other}}`). */
function defaultWarnings(playbook: Playbook, name: string, usedAt: string, warned: Set<string>): Problem[] {
  const seen = new Set<string>();
  for (let at = name; !seen.has(at); ) {
    seen.add(at);
    const text: unknown = playbook.vars[at]?.default;
    if (typeof text !== "string" || !text.includes("{{")) return [];
    const next: string | undefined = WHOLE.exec(text)?.[1];
    if (next !== undefined && next in playbook.vars) {
      at = next;
      continue;
    }
    const bare = unquotedMustaches(text);
    if (bare.length === 0 || warned.has(at)) return [];
    warned.add(at);
    const location = playbook.varLocations[at];
    return [{ message: t("shell.unquotedDefault", { name: at, vars: bare.map((b) => `{{${b}}}`).join(", "), usedAt }), ...(location ? { location } : {}), path: `vars.${at}.default` }];
  }
  return [];
}

function unquotedMustaches(text: string): string[] {
  const found: string[] = [];
  // Only the node kinds a template string can hold are walked: statements, and the bodies of blocks.
  const visit = (node: { type: string; body?: hbs.AST.Statement[]; program?: hbs.AST.Program; inverse?: hbs.AST.Program; path?: unknown }): void => {
    if (node.type === "MustacheStatement") {
      const head = (node.path as hbs.AST.PathExpression).original;
      if (head !== "quote") found.push(head);
    }
    for (const child of node.body ?? []) visit(child);
    if (node.program) visit(node.program);
    if (node.inverse) visit(node.inverse);
  };
  try {
    visit(Handlebars.parse(text));
  } catch {
    return [];
  }
  return found;
}
