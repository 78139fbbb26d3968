import { renderPythonString } from "../steps/python-literal.js";
import { shellQuote } from "../steps/shell-quote.js";
import { t } from "../i18n/t.js";

export const MASK = "••••";

/**
 * Values of keys like these are secrets wherever they appear in a file (e.g. paas_agent's `auth.token`, and its
 * `auth.sid`: the key `sid` exactly; the GSE agent's `zkauth`, zookeeper's `user:password`): a whole
 * quoted string (any characters, escapes included), or a bare word. A key may start a diff's `+` or `-` line.
 */
const SECRET_KEY = /((?:^|[\s{,"'+])["']?(?:[\w.-]*(?:token|password|passwd|secret|pwd)[\w.-]*|sid|zkauth)["']?\s*[:=]\s*)(?:'((?:[^'\\\n]|\\.)+)'|"((?:[^"\\\n]|\\.)+)"|(?!\s*$)([^\s'",}#]+))/gim;

export type Redactor = (text: string) => string;

/** A key whose scalar value is a secret in structured output (a report's or a log's own fields). */
const SECRET_NAME = /token|password|passwd|secret|pwd|^sid$|^zkauth$/i;

/** A key whose value is a secret (masked in output, never shown in a message). */
export const isSecretName = (key: string): boolean => SECRET_NAME.test(key);

/** How a value is spelled where it is shown: as is, shell-quoted, in a Python or YAML/SQL string, and each of those inside JSON. */
export function spellings(value: string): string[] {
  const forms = [value, shellQuote(value), renderPythonString(value, "'").slice(1, -1), renderPythonString(value, '"').slice(1, -1), value.replaceAll("'", "''")];
  return forms.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
}

/**
 * Mask every known secret value (however it is quoted), and the value of every secret-looking key.
 *
 * Where a secret was interpolated is found by its value: every spelling of it (raw, shell-quoted, in a Python, SQL
 * or JSON string) is masked wherever it occurs. Marking the interpolated spans while rendering cannot work here:
 * the marks would have to survive each step's quoting, be stripped from every byte sent to a host, hashed or
 * compared with a host's file (or every step would see a change), and a host echoing the value back in an error
 * would still show it unmarked. Masking whole tokens only would leak a secret written next to a letter
 * (`key_{{secret}}`). So it is the value that must be unmistakable: `unmaskable` refuses at input (exit 2) a
 * secret short or common enough to be found in other text, or found in the run's own text (the playbook, the
 * inventory's names, other variables' values). A secret that passes occurs in output only where it was put
 * (interpolated, or echoed by a host), and masking it alters nothing else. Defaults written in the playbook are
 * the playbook's own choice and are not checked.
 */
export function makeRedactor(secrets: readonly string[]): Redactor {
  const values = [...new Set(secrets.filter((s) => s.length > 0).flatMap(spellings))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const v of values) out = out.split(v).join(MASK);
    return out.replace(SECRET_KEY, (_m, key: string, single?: string, double?: string) => `${key}${single !== undefined ? `'${MASK}'` : double !== undefined ? `"${MASK}"` : MASK}`);
  };
}

/** Secret-looking keys set on both sides to different values: a diff shows both masked alike, so they are named. */
export function changedSecretKeys(before: string, after: string): string[] {
  const valuesIn = (text: string): Map<string, string[]> => {
    const out = new Map<string, string[]>();
    for (const m of text.matchAll(SECRET_KEY)) {
      const key = /[\w.-]+(?=["']?\s*[:=]\s*$)/.exec(m[1] ?? "")?.[0] ?? "";
      out.set(key, [...(out.get(key) ?? []), m[2] ?? m[3] ?? m[4] ?? ""]);
    }
    return out;
  };
  const [was, now] = [valuesIn(before), valuesIn(after)];
  return [...was.keys()].filter((k) => now.has(k) && JSON.stringify(was.get(k)) !== JSON.stringify(now.get(k))).sort();
}

/**
 * Every string inside `value` redacted, before it is serialised: in JSON a key at the start of a line follows a
 * literal `\n`, so redacting the serialised text misses it. Scalars under secret-looking keys are masked too.
 */
export function redactDeep<T>(value: T, redact: Redactor): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === "string") return key !== undefined && SECRET_NAME.test(key) && v !== "" ? MASK : redact(v);
    if (typeof v === "number" && key !== undefined && SECRET_NAME.test(key)) return MASK;
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value) as T;
}

/** Fewer characters than this are found by chance in ordinary text (and hide little). */
export const MIN_SECRET_LENGTH = 6;

/**
 * Words and default passwords too common to tell from other text: masking one would alter titles, paths and
 * messages, and reveal where it is. Compared whatever the case; shorter ones are refused for their length anyway.
 */
const COMMON = new Set(
  [
    "password", "passwd", "passw0rd", "p@ssw0rd", "password1", "password123", "secret", "changeme", "default", "welcome",
    "letmein", "iloveyou", "trustno1", "monkey", "dragon", "master", "shadow", "sunshine", "football", "superman",
    "qwerty", "qwerty123", "abc123", "abcdef", "abcd1234", "admin123", "administrator", "root123", "toor", "mysql123",
    "123456", "1234567", "12345678", "123456789", "1234567890", "111111", "000000", "654321", "666666", "888888", "123123",
    "mysql", "mysqld", "mariadb", "database", "postgres", "postgresql", "oracle", "redis", "rabbitmq", "zookeeper",
    "mongodb", "consul", "elasticsearch", "kafka", "nginx", "docker", "ubuntu", "centos", "redhat", "debian",
    "blueking", "bkce", "tencent", "paas_agent", "open_paas", "localhost", "server", "service", "config", "settings",
    "python", "supervisor", "supervisord", "systemctl", "backup", "restart", "changed", "failed", "success", "unknown",
    "production", "testing", "develop", "staging", "socket", "access", "denied", "grants", "privileges",
  ].map((w) => w.toLowerCase()),
);

/** Text of the run that masking must never alter. */
export interface OwnText {
  /** The playbook file as written. */
  playbook: string;
  /** The inventory's host and group names and addresses. */
  inventory: readonly string[];
  /** The values of the variables that are not secret, by name. */
  values?: Readonly<Record<string, string>>;
}

/** Why `value` cannot be masked without altering other text, or null when it can. */
export function unmaskable(value: string, own: OwnText): string | null {
  // Characters as a person counts them (a CJK character or an emoji is one).
  const length = Array.from(new Intl.Segmenter().segment(value)).length;
  if (length < MIN_SECRET_LENGTH) return t(length === 1 ? "mask.tooShort.one" : "mask.tooShort.many", { length, min: MIN_SECRET_LENGTH });
  if (COMMON.has(value.toLowerCase())) return t("mask.common");
  if (own.playbook.includes(value)) return t("mask.inPlaybook");
  if (own.inventory.some((n) => n.includes(value))) return t("mask.inInventory");
  const inValue = Object.entries(own.values ?? {}).find(([, v]) => v.includes(value))?.[0];
  if (inValue !== undefined) return t("mask.inValue", { name: inValue });
  return null;
}
