import { renderPythonString } from "../steps/python-literal.js";
import { shellQuote } from "../steps/shell-quote.js";

export const MASK = "••••";

/**
 * Values of keys like these are secrets wherever they appear in a file (e.g. paas_agent's `auth.token`): a whole
 * quoted string (any characters, escapes included), or a bare word.
 */
const SECRET_KEY = /((?:^|[\s{,"'])["']?[\w.-]*(?:token|password|passwd|secret|pwd)[\w.-]*["']?\s*[:=]\s*)(?:'((?:[^'\\\n]|\\.)+)'|"((?:[^"\\\n]|\\.)+)"|(?!\s*$)([^\s'",}#]+))/gim;

export type Redactor = (text: string) => string;

/** How a value is spelled where it is shown: as is, shell-quoted, in a Python or YAML/SQL string, and each of those inside JSON. */
function spellings(value: string): string[] {
  const forms = [value, shellQuote(value), renderPythonString(value, "'").slice(1, -1), renderPythonString(value, '"').slice(1, -1), value.replaceAll("'", "''")];
  return forms.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
}

/** Mask every known secret value (however it is quoted), and the value of every secret-looking key. */
export function makeRedactor(secrets: readonly string[]): Redactor {
  const values = [...new Set(secrets.filter((s) => s.length > 0).flatMap(spellings))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const v of values) out = out.split(v).join(MASK);
    return out.replace(SECRET_KEY, (_m, key: string, single?: string, double?: string) => `${key}${single !== undefined ? `'${MASK}'` : double !== undefined ? `"${MASK}"` : MASK}`);
  };
}
