import type { Probe } from "../steps/types.js";
import { shellQuote as q } from "../steps/shell-quote.js";

/** A probe's identity: steps that read the same thing share one read. */
export function probeKey(p: Probe): string {
  return p.kind === "command" ? `command\0${p.command}\0${p.stdin ?? ""}` : `${p.kind}\0${p.path}`;
}

// Each record is one line: `<index> <field> <value>`; free-form values are base64 so any byte is safe.
// Forks cost on a busy host, so a file read costs two processes: `stat` (printed as is: type, mode, owner, group and
// size hold no newline) and `base64` of the content, whose sha256 the controller computes. `readlink -f` runs only
// when the path may not be canonical: a component is a symlink (tested with the shell's own `[ -L ]`), or the path
// has `.`, `..`, `//` or a trailing `/`.
const PRELUDE = String.raw`
bk_canonical() {
  case "$1" in */./*|*/../*|*//*|*/.|*/..|*/|[!/]*) return 1 ;; esac
  bk_p=$1
  while [ -n "$bk_p" ]; do [ -L "$bk_p" ] && return 1; bk_p=${"$"}{bk_p%/*}; done
}
bk_stat() {
  if [ -e "$2" ] || [ -L "$2" ]; then
    if [ -L "$2" ]; then l=1; else l=0; fi
    printf '%s S %s ' "$1" "$l"; stat -L -c '%F|%a|%U|%G|%s' -- "$2" 2>/dev/null || echo
    bk_canonical "$2" || { printf '%s R ' "$1"; readlink -f -- "$2" | base64 -w0; echo; }
    if [ -f "$2" ]; then
      if [ "$3" = 1 ]; then printf '%s C ' "$1"; base64 -w0 < "$2"; echo; else printf '%s H ' "$1"; sha256sum < "$2"; fi
    fi
  else
    printf '%s N\n' "$1"
  fi
}
bk_tree() {
  if [ -d "$2" ]; then printf '%s T ' "$1"; find "$2" -printf '%y %m %u %g %P\n' 2>/dev/null | base64 -w0; echo; else printf '%s N\n' "$1"; fi
}
bk_cmd() {
  bk_o=$(mktemp) && bk_e=$(mktemp) || exit 97
  printf '%s' "$3" | sh -c "$2" >"$bk_o" 2>"$bk_e"
  printf '%s X %s\n' "$1" "$?"
  printf '%s O ' "$1"; base64 -w0 < "$bk_o"; echo
  printf '%s E ' "$1"; base64 -w0 < "$bk_e"; echo
  rm -f "$bk_o" "$bk_e"
}
`;

/**
 * One POSIX sh script that reads every probe of every step of a host; sent on stdin in one exec.
 * Wrapped in a function so a truncated script (lost connection) is a syntax error, never half run.
 */
export function buildProbeScript(probes: readonly Probe[]): string {
  const body = probes.map((p, i) => {
    switch (p.kind) {
      case "file":
        return `bk_stat ${i} ${q(p.path)} 1`;
      case "stat":
        return `bk_stat ${i} ${q(p.path)} 0`;
      case "tree":
        return `bk_tree ${i} ${q(p.path)}`;
      case "command":
        return `bk_cmd ${i} ${q(p.command)} ${q(p.stdin ?? "")}`;
    }
  });
  return `bk_probe() {\n${PRELUDE}\n${body.join("\n")}\necho 'END'\n}\nbk_probe </dev/null\n`;
}

export interface RawRecord {
  index: number;
  field: string;
  values: string[];
}

/** Parse framed `<index> <field> <value…>` records; the END line proves the script ran to completion. */
export function parseRecords(stdout: string): { records: RawRecord[]; complete: boolean } {
  const records: RawRecord[] = [];
  let complete = false;
  for (const line of stdout.split("\n")) {
    if (line === "END") complete = true;
    const parts = line.split(" ");
    const index = Number(parts[0]);
    if (parts.length < 2 || !Number.isInteger(index)) continue;
    records.push({ index, field: parts[1] ?? "", values: parts.slice(2) });
  }
  return { records, complete };
}

export const fromBase64 = (s: string | undefined): string => Buffer.from(s ?? "", "base64").toString("utf8");
