import Handlebars from "handlebars";
import type { Problem } from "../errors.js";
import { stepTypes } from "../steps/index.js";
import type { Playbook } from "./types.js";

/** A value templated into a shell command without `quote` can run as code: warn where that happens. */
export function shellWarnings(playbook: Playbook): Problem[] {
  const steps = [...playbook.plays.flatMap((p) => p.steps), ...playbook.handlers];
  return steps.flatMap((s) => {
    const names = stepTypes.get(s.type)?.shellParams ?? [];
    return names.flatMap((param) => {
      const text = s.params[param];
      // A parameter that is exactly one variable is a whole command chosen by the operator, not a value inside one.
      if (typeof text !== "string" || !text.includes("{{") || /^\{\{\s*[\w.]+\s*\}\}$/.test(text)) return [];
      const bare = unquotedMustaches(text);
      return bare.length === 0 ? [] : [{ message: `warning: ${bare.map((b) => `{{${b}}}`).join(", ")} reaches a shell command without {{quote …}}`, location: s.location, path: [...s.path, s.type, param].join(".") }];
    });
  });
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
