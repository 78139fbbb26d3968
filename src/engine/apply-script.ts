import type { Change } from "../steps/types.js";
import { shellQuote as q } from "../steps/shell-quote.js";
import { sha256 } from "./host-facts.js";

export interface ApplyOptions {
  runId: string;
  /** Remote directory holding the lock and, per run, its backups and record: `<backupRoot>/<runId>/…`. */
  backupRoot: string;
  /** Seconds to wait for another run's apply on this host to finish. */
  lockTimeout: number;
  /** When the apply started (UTC, to the second), recorded with the lock. */
  startedAt: string;
  /** Resolve a local upload source to its bytes (files are read, directories packed). */
  readLocal: (path: string) => Buffer;
  /** Per change: the handlers its steps notify (recorded for rollback). */
  notifies: readonly (readonly string[])[];
  /** Per change: the handler's name when the change is a handler's command (recorded for rollback). */
  handlerOf: readonly (string | undefined)[];
}

// Records: `D i` done, `B i` backed up (to <run dir>/backup<path>), `F i <b64 message>` failed, `Z i <sha>`
// drift, `X i code` / `O i b64` / `E i b64` a command's result. The script stops at the first failure.
// Every fork costs on a busy host, so what the controller knows (dirnames, base64 of paths, manifest
// lines) is computed here, and the shell keeps to builtins between the commands that do the work.
const PRELUDE = String.raw`
umask 022
bk_tmps=''
bk_owner=''
trap 'rm -f -- $bk_tmps $bk_owner' EXIT
trap 'exit 129' HUP INT TERM PIPE
bk_b64() { printf '%s' "$1" | base64 -w0; }
bk_fail() { printf '%s F %s\n' "$1" "$(bk_b64 "$2")"; exit 1; }
bk_sha() { if [ -f "$1" ]; then bk_h=$(sha256sum < "$1"); bk_h=${"$"}{bk_h%% *}; elif [ -e "$1" ]; then bk_h=other; else bk_h=none; fi; }
bk_expect() { bk_sha "$2"; [ "$bk_h" = "$3" ] || { printf '%s Z %s\n' "$1" "$bk_h"; exit 3; }; }
bk_backup() {
  [ -e "$2" ] || return 0
  bk_bak="$bk_dir/backup$2"
  cp -pP -- "$2" "$bk_bak" || bk_fail "$1" "cannot back up $2 to $bk_bak"
  printf '%s B\n' "$1"
}
bk_attrs() {
  if [ -n "$3" ]; then chmod "$3" -- "$2" || bk_fail "$1" "chmod $3 $2 failed"; fi
  if [ -n "$4" ]; then chown "$4" -- "$2" || bk_fail "$1" "chown $4 $2 failed"; fi
}
bk_lock() {
  mkdir -p -m 700 -- "$bk_root" || bk_fail 0 "cannot create $bk_root"
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>>"$bk_root/lock" || bk_fail 0 "cannot open the lock $bk_root/lock"
  flock -w "$1" 9 || bk_fail 0 "another bkplay run is applying on this host ($(cat "$bk_root/lock.owner" 2>/dev/null)); waited $1 s (--lock-timeout)"
  if [ -s "$bk_root/lock.owner" ]; then printf '0 L %s\n' "$(bk_b64 "$(cat "$bk_root/lock.owner")")"; fi
  bk_owner="$bk_root/lock.owner"
  printf 'run %s, pid %s, since %s' "$bk_run" "$$" "$2" > "$bk_owner"
}
bk_candidate() {
  # $3 is the candidate's name beside the target. Candidates left by a run killed outright (SIGKILL, power
  # loss) go first; the lock keeps live ones safe.
  for bk_x in "$3".bkplay-*; do [ -e "$bk_x" ] && rm -f -- "$bk_x"; done
  bk_t="$3.bkplay-$bk_run"
  bk_tmps="$bk_tmps $bk_t"
  base64 -d > "$bk_t" || bk_fail "$1" "cannot write candidate $bk_t"
  bk_sha "$bk_t"
  [ "$bk_h" = "$4" ] || bk_fail "$1" "candidate for $2 is incomplete"
  if [ -e "$2" ]; then cp --attributes-only --preserve=mode,ownership -- "$2" "$bk_t" || bk_fail "$1" "cannot copy mode/owner of $2"; fi
}
bk_validate() {
  bk_out=$(bk_t="$bk_t" sh -c "$2" </dev/null 2>&1 9>&-) || bk_fail "$1" "validate failed, $3 left untouched: $bk_out"
}
bk_place() {
  bk_backup "$1" "$2"
  mv -f -- "$bk_t" "$2" || bk_fail "$1" "cannot rename candidate into $2"
  bk_tmps=''
  printf '%s D\n' "$1"
}
bk_tail() {
  printf '%s %s ' "$1" "$2"; [ ! -s "$3" ] || tail -c 65536 "$3" | base64 -w0; echo
}
bk_run() {
  bk_o="$bk_dir/out.$1" bk_e="$bk_dir/err.$1"
  bk_tmps="$bk_tmps $bk_o $bk_e"
  if [ -n "$3" ]; then printf '%s' "$3" | sh -c "$2" >"$bk_o" 2>"$bk_e" 9>&-; else sh -c "$2" >"$bk_o" 2>"$bk_e" 9>&- </dev/null; fi
  c=$?
  printf '%s X %s\n' "$1" "$c"
  bk_tail "$1" O "$bk_o"
  bk_tail "$1" E "$bk_e"
  [ "$c" = 0 ] || bk_fail "$1" "exit $c"
  printf '%s D\n' "$1"
}
`;

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64") || "-";

/**
 * One manifest line per file: what `bkplay rollback` and a failed verify restore, and which handlers to
 * re-run. Fields: b64 path, sha before (`none`: created, `other`: removed), sha after, b64 backup, b64 notify.
 */
function record(dir: string, path: string, before: string | null, after: string | null, notify: readonly string[] | undefined): string {
  const backup = before === null ? "-" : b64(`${dir}/backup${path}`);
  const line = [b64(path), before ?? "none", after ?? "none", backup, b64((notify ?? []).join(","))].join(" ");
  return `printf '%s\\n' '${line}' >> "$bk_dir/manifest"`;
}

/** The candidate's path beside its target: `<dir>/.<name>`. */
function candidateBase(path: string): string {
  const slash = path.lastIndexOf("/");
  return `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}`;
}

function heredoc(data: Buffer): string {
  return `<<'BKPLAY_DATA'\n${data.toString("base64").replace(/(.{76})/g, "$1\n")}\nBKPLAY_DATA`;
}

function attrArgs(c: { mode?: number; owner?: string; group?: string }): string {
  const mode = c.mode === undefined ? "''" : c.mode.toString(8).padStart(4, "0");
  const owner = c.owner ?? "";
  const spec = c.group === undefined ? owner : `${owner}:${c.group}`;
  return `${mode} ${q(spec)}`;
}

function changeScript(i: number, c: Change, opts: ApplyOptions, dir: string): string {
  const p = "path" in c ? q(c.path) : "";
  switch (c.kind) {
    case "write-file": {
      const data = Buffer.from(c.content, "utf8");
      const lines = [`bk_candidate ${i} ${p} ${q(candidateBase(c.path))} ${sha256(c.content)} ${heredoc(data)}`];
      if (c.mode !== undefined || c.owner !== undefined || c.group !== undefined) lines.push(`bk_attrs ${i} "$bk_t" ${attrArgs(c)}`);
      if (c.validate) lines.push(`bk_validate ${i} ${q(c.validate.replaceAll("%s", '"$bk_t"'))} ${p}`);
      lines.push(`bk_place ${i} ${p}`, record(dir, c.path, c.beforeSha256, sha256(c.content), opts.notifies[i]));
      return lines.join("\n");
    }
    case "upload": {
      const data = opts.readLocal(c.local);
      const lines = [`mkdir -p -- ${q(c.path.slice(0, Math.max(1, c.path.lastIndexOf("/"))))}`, `bk_candidate ${i} ${p} ${q(candidateBase(c.path))} ${c.sha256} ${heredoc(data)}`];
      if (c.mode !== undefined || c.owner !== undefined || c.group !== undefined) lines.push(`bk_attrs ${i} "$bk_t" ${attrArgs(c)}`);
      lines.push(`bk_place ${i} ${p}`, record(dir, c.path, c.beforeSha256, c.sha256, opts.notifies[i]));
      return lines.join("\n");
    }
    case "extract":
      return [
        `mkdir -p -- ${q(c.dest)} && tar -xzf ${q(c.archive)} -C ${q(c.dest)} || bk_fail ${i} ${q(`cannot extract ${c.archive}`)}`,
        `printf '%s\\n' ${c.sha256} > ${q(c.marker)} && rm -f -- ${q(c.archive)} && printf '%s D\\n' ${i}`,
      ].join("\n");
    case "mkdir":
      return `mkdir -p -- ${p} || bk_fail ${i} ${q(`mkdir ${c.path} failed`)}\nbk_attrs ${i} ${p} ${attrArgs(c)}\nprintf '%s D\\n' ${i}`;
    case "attrs":
      return `bk_attrs ${i} ${p} ${attrArgs(c)}\nprintf '%s D\\n' ${i}`;
    case "remove":
      return `bk_backup ${i} ${p}\nrm -rf -- ${p} || bk_fail ${i} ${q(`rm ${c.path} failed`)}\n${record(dir, c.path, "other", null, opts.notifies[i])}\nprintf '%s D\\n' ${i}`;
    case "run": {
      const handler = opts.handlerOf[i];
      const note = handler === undefined ? "" : `printf '%s %s\\n' ${b64(handler)} ${b64(c.command)} >> "$bk_dir/handlers"\n`;
      return `${note}bk_run ${i} ${q(c.command)} ${q(c.stdin ?? "")}`;
    }
  }
}

/**
 * The whole apply of one host as one script: every change in order, stopping at the first failure.
 * Wrapped in a function so a script cut short by a lost connection never runs at all.
 */
export function buildApplyScript(changes: readonly Change[], opts: ApplyOptions): string {
  const dir = `${opts.backupRoot}/${opts.runId}`;
  // One apply at a time per host: an exclusive flock, released by the kernel when this script ends.
  // The run's directory and every backup's directory in one mkdir (backups may hold secrets: 700).
  const backupDirs = [...new Set(changes.flatMap((c) => (c.kind === "write-file" || c.kind === "upload" || c.kind === "remove" ? [q(`${dir}/backup${c.path.slice(0, c.path.lastIndexOf("/"))}`)] : [])))];
  const head = [
    `bk_run=${q(opts.runId)}\nbk_root=${q(opts.backupRoot)}\nbk_dir=${q(dir)}\nbk_lock ${opts.lockTimeout} ${opts.startedAt}`,
    `mkdir -p -m 700 -- "$bk_dir" ${backupDirs.join(" ")} || bk_fail 0 "cannot create $bk_dir"`,
  ].join("\n");
  // Every file is checked against what was planned before the first write: a drifted host is left untouched.
  const expects = changes.flatMap((c, i) => (c.kind === "write-file" || c.kind === "upload" ? [`bk_expect ${i} ${q(c.path)} ${c.beforeSha256 ?? "none"}`] : []));
  const body = [...expects, ...changes.map((c, i) => changeScript(i, c, opts, dir))].join("\n");
  return `bk_apply() {\n${PRELUDE}\n${head}\n${body}\necho END\n}\nbk_apply </dev/null\n`;
}
