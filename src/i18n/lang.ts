/** The languages bkplay speaks to people; machine-readable output (`--json`, plans, the audit log) keeps English keys. */
export const LANGS = ["en", "zh"] as const;
export type Lang = (typeof LANGS)[number];

/** A text in both languages. */
export interface Text {
  en: string;
  zh: string;
}

const isLang = (v: string | undefined): v is Lang => v !== undefined && (LANGS as readonly string[]).includes(v);

/**
 * `--lang` when given, else the locale as POSIX ranks it for messages (LC_ALL, then LC_MESSAGES, then LANG; the first
 * that is set decides): `zh_*` is Chinese, anything else English.
 */
export function resolveLang(flag: string | undefined, env: NodeJS.ProcessEnv): Lang {
  if (isLang(flag)) return flag;
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== "") ?? "";
  return /^zh([_.@-]|$)/i.test(locale) ? "zh" : "en";
}

/** `--lang zh` or `--lang=zh` anywhere on the command line (read before the help texts are made). */
export function langFlag(argv: readonly string[]): string | undefined {
  for (const [i, a] of argv.entries()) {
    if (a === "--lang") return argv[i + 1];
    if (a.startsWith("--lang=")) return a.slice("--lang=".length);
  }
  return undefined;
}

let current: Lang = "en";

/** Set once, by the CLI, before anything is said. */
export function setLang(lang: Lang): void {
  current = lang;
}

export const currentLang = (): Lang => current;

/** A bilingual text in the language of this run. */
export const say = (text: Text): string => text[current];
