export const MASK = "••••";

/** Values of keys like these are secrets wherever they appear in a file (e.g. paas_agent's `auth.token`). */
const SECRET_KEY = /((?:^|[\s{,"'])["']?[\w.-]*(?:token|password|passwd|secret|pwd)[\w.-]*["']?\s*[:=]\s*)(?!\s*$)(['"]?)([^\s'",}#]+)(\2)/gim;

export type Redactor = (text: string) => string;

/** Mask every known secret value, and the value of every secret-looking key. */
export function makeRedactor(secrets: readonly string[]): Redactor {
  const values = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const v of values) out = out.split(v).join(MASK);
    return out.replace(SECRET_KEY, (_m, key: string, q: string, _v: string, q2: string) => `${key}${q}${MASK}${q2}`);
  };
}
