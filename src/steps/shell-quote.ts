/** Words made only of these characters mean the same to sh quoted or not; leaving them bare keeps commands readable. */
const BARE = /^[A-Za-z0-9_/.,:@%+-]+$/;

/** Quote `s` as one POSIX sh word that expands to exactly `s` (single quotes; `'` becomes `'\''`). */
export function shellQuote(s: string): string {
  return BARE.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
