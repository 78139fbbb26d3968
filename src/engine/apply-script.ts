import type { Change } from "../steps/types.js";
import { shellQuote as q } from "../steps/shell-quote.js";
import { sha256 } from "./host-facts.js";
import { pendingKey } from "./pending-handlers.js";

export interface ApplyOptions {
  runId: string;
  /** The playbook's name, for the handlers owed on this host. */
  playbook: string;
  /** The host's fixed state directory: the apply lock and the handlers owed live here, whatever the backup root. */
  stateDir: string;
  /** Remote directory holding the lock and, per run, its backups and record: `<backupRoot>/<runId>/…`. */
  backupRoot: string;
  /** Seconds to wait for another run's apply on this host to finish. */
  lockTimeout: number;
  /** Who applies (`user@controller`), recorded with the lock so a waiting run can name the holder. */
  by: string;
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
// drift, `X i code` / `O i b64` / `E i b64` a command's result, `U i` / `V i` a file put back as it was / not put
// back after a failure. The script stops at the first failure; a failed file change first puts back every file
// this apply had already replaced, created or removed (bk_undo), so the host's files are all old or all new.
// Every fork costs on a busy host, so what the controller knows (dirnames, base64 of paths, manifest
// lines) is computed here, and the shell keeps to builtins between the commands that do the work.
const PRELUDE = String.raw`
umask 022
bk_tmps=''
bk_owner=''
bk_placed=''
bk_stuck=''
trap 'rm -f -- $bk_tmps $bk_owner' EXIT
trap 'exit 129' HUP INT TERM PIPE
bk_b64() { printf '%s' "$1" | base64 -w0; }
bk_stop() { printf '%s F %s\n' "$1" "$(bk_b64 "$2")"; exit 1; }
bk_fail() { printf '%s F %s\n' "$1" "$(bk_b64 "$2")"; bk_undo; exit 1; }
bk_why() {
  # The cause of the last failure, from its stderr in $bk_err: the errno text, with its name where known.
  bk_m=''
  [ -s "$bk_err" ] || return 0
  if [ "$1" = first ]; then bk_m=$(head -n 1 "$bk_err"); else bk_m=$(tail -n 1 "$bk_err"); fi
  bk_m=${"$"}{bk_m##*: }
  case $bk_m in
    'No space left on device') bk_m="$bk_m (ENOSPC)" ;;
    'Read-only file system') bk_m="$bk_m (EROFS)" ;;
    'Permission denied') bk_m="$bk_m (EACCES)" ;;
    'Operation not permitted') bk_m="$bk_m (EPERM)" ;;
    'Disk quota exceeded') bk_m="$bk_m (EDQUOT)" ;;
    'Input/output error') bk_m="$bk_m (EIO)" ;;
  esac
  bk_m=": $bk_m"
}
bk_lost() {
  # base64 may report a failed flush as "write error" alone: a write to the same file, by dd, names the cause.
  case $bk_m in
    ''|': write error')
      bk_m0=$bk_m
      dd if=/dev/zero of="$1" bs=65536 count=16 status=none 2>"$bk_err"
      bk_why first
      [ -n "$bk_m" ] || bk_m=$bk_m0
      ;;
  esac
}
bk_put() {
  # Put $2 back from its backup $4 (through $3 beside it, renamed into place).
  if cp -pP -- "$4" "$3" 2>/dev/null && mv -f -- "$3" "$2" 2>/dev/null; then printf '%s U\n' "$1"; else rm -f -- "$3"; bk_stuck=1; printf '%s V\n' "$1"; fi
}
bk_gone() {
  if rm -f -- "$2" 2>/dev/null; then printf '%s U\n' "$1"; else bk_stuck=1; printf '%s V\n' "$1"; fi
}
bk_sha() { if [ -f "$1" ]; then bk_h=$(sha256sum < "$1"); bk_h=${"$"}{bk_h%% *}; elif [ -e "$1" ]; then bk_h=other; else bk_h=none; fi; }
bk_expect() { bk_sha "$2"; [ "$bk_h" = "$3" ] || { printf '%s Z %s\n' "$1" "$bk_h"; exit 3; }; }
bk_sums() { sha256sum -c --status 2>/dev/null; }
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
  # $1 timeout, $2 start time, then the run's directories, made with the root in one mkdir (before the lock:
  # they are this run's own, and stay empty if the lock is not had).
  bk_wait=$1 bk_since=$2
  shift 2
  mkdir -p -m 700 -- "$bk_root" "$bk_state" "$@" || bk_stop 0 "cannot create $bk_dir"
  bk_err="$bk_dir/err"
  bk_tmps="$bk_tmps $bk_err"
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>>"$bk_state/lock" || bk_stop 0 "cannot open the lock $bk_state/lock"
  # Taken: say so at once (the display shows who holds it while this run waits), then wait.
  { flock -n 9 || { printf '0 W %s\n' "$(bk_b64 "$(cat "$bk_state/lock.owner" 2>/dev/null)")"; flock -w "$bk_wait" 9; }; } ||
    bk_stop 0 "another bkplay run is applying on this host ($(cat "$bk_state/lock.owner" 2>/dev/null)); waited $bk_wait s (--lock-timeout)"
  if [ -s "$bk_state/lock.owner" ]; then printf '0 L %s\n' "$(bk_b64 "$(cat "$bk_state/lock.owner")")"; fi
  bk_owner="$bk_state/lock.owner"
  printf 'run %s by %s, pid %s, since %s' "$bk_run" "$bk_by" "$$" "$bk_since" > "$bk_owner"
}
bk_candidate() {
  # $3 is the candidate, named beside the target ($4 its stem). Candidates left by a run killed outright
  # (SIGKILL, power loss) go first; the lock keeps live ones safe.
  for bk_x in "$4".bkplay-*; do [ -e "$bk_x" ] && rm -f -- "$bk_x"; done
  bk_tmps="$bk_tmps $3"
  { base64 -d > "$3"; } 2>"$bk_err" || { bk_why; bk_lost "$3"; bk_fail "$1" "cannot write candidate $3$bk_m"; }
  if [ -e "$2" ]; then cp --attributes-only --preserve=mode,ownership -- "$2" "$3" 2>"$bk_err" || { bk_why; bk_fail "$1" "cannot copy mode/owner of $2$bk_m"; }; fi
}
bk_validate() {
  bk_out=$(bk_t="$4" sh -c "$2" </dev/null 2>&1 9>&-) || bk_fail "$1" "validate failed, $3 left untouched: $bk_out"
}
bk_place() {
  mv -f -- "$3" "$2" 2>"$bk_err" || { bk_why; bk_fail "$1" "cannot rename candidate into $2$bk_m"; }
  bk_placed="$1 $bk_placed"
  printf '%s D\n' "$1"
}
bk_flush() {
  # $1 the change a failure is reported on, then files or directories: fsync them (one process for all). A sync
  # that takes no file (coreutils before 8.24, busybox) flushes everything instead.
  bk_i=$1
  shift
  sync -- "$@" 2>/dev/null || sync || bk_fail "$bk_i" "cannot flush to disk: $*"
}
bk_owe() {
  # A change that notifies handlers is in place: they are owed until they succeed (this run or a later one). The
  # change's index ends the line, so that undoing the change takes its handlers back.
  bk_j=$1
  shift
  for bk_x in "$@"; do printf '%s %s %s\n' "$bk_run" "$bk_x" "$bk_j" >> "$bk_state/pending"; done
}
bk_unowe() {
  # The changes in $bk_placed were undone: the handlers they made owed are owed no more.
  [ -f "$bk_state/pending" ] || return 0
  awk -v r="$bk_run" -v u=" $bk_placed " '!($1 == r && index(u, " " $4 " "))' "$bk_state/pending" > "$bk_state/pending.new" && mv -f -- "$bk_state/pending.new" "$bk_state/pending"
}
bk_paid() {
  [ -f "$bk_state/pending" ] || return 0
  grep -vF -- " $1" "$bk_state/pending" > "$bk_state/pending.new"
  mv -f -- "$bk_state/pending.new" "$bk_state/pending"
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
  [ "$c" = 0 ] || bk_stop "$1" "exit $c"
  [ -z "$4" ] || bk_paid "$4"
  printf '%s D\n' "$1"
}
`;

/** The handlers a change notifies become owed once it is in place (see pending-handlers.ts). */
function owe(opts: ApplyOptions, i: number): string[] {
  const names = opts.notifies[i] ?? [];
  return names.length === 0 || opts.handlerOf[i] !== undefined ? [] : [`bk_owe ${i} ${names.map((n) => q(pendingKey(opts.playbook, n))).join(" ")}`];
}

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

const dirOf = (path: string): string => (path.lastIndexOf("/") > 0 ? path.slice(0, path.lastIndexOf("/")) : path.startsWith("/") ? "/" : ".");

/**
 * `bk_undo`: after a failed file change, every file this apply had put in place goes back as it was, newest first
 * (from the run's backup; a created file is removed), their handlers are owed no more, and the run's manifest goes
 * (nothing of it is left to roll back). Commands that ran are not undone.
 */
function undoScript(changes: readonly Change[], opts: ApplyOptions, dir: string): string {
  const arms = changes.flatMap((c, i) => {
    if (!isFileChange(c) && c.kind !== "remove") return [];
    const backup = q(`${dir}/backup${c.path}`);
    const put = `bk_put ${i} ${q(c.path)} ${q(candidateOf(c.path, opts.runId))} ${backup}`;
    if (c.kind === "remove") return [`    ${i}) if [ -e ${backup} ] || [ -L ${backup} ]; then ${put}; else printf '%s U\\n' ${i}; fi ;;`];
    return [`    ${i}) ${c.beforeSha256 === null ? `bk_gone ${i} ${q(c.path)}` : put} ;;`];
  });
  return [
    "bk_undo() {",
    '  [ -n "$bk_placed" ] || return 0',
    "  for bk_i in $bk_placed; do",
    '    case $bk_i in',
    ...arms,
    "    esac",
    "  done",
    // What could not be put back stays in the manifest, for `bkplay rollback`.
    '  bk_unowe; [ -n "$bk_stuck" ] || rm -f -- "$bk_dir/manifest"; sync',
    "}",
  ].join("\n");
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

type FileChange = Extract<Change, { kind: "write-file" | "upload" }>;

const isFileChange = (c: Change): c is FileChange => c.kind === "write-file" || c.kind === "upload";

/** The candidate's path beside its target, as bk_candidate names it. */
const candidateOf = (path: string, runId: string): string => `${candidateBase(path)}.bkplay-${runId}`;

/**
 * Checks many files against their sha256 with one `sha256sum -c`; only when that fails, `each` runs per file to say
 * which one. Names sha256sum cannot take on a line (a newline or backslash) are checked one by one.
 */
function checkSums(files: readonly { path: string; sha: string; each: string }[]): string[] {
  const batchable = files.filter((f) => !/[\n\\]/.test(f.path));
  const single = files.filter((f) => !batchable.includes(f)).map((f) => f.each);
  if (batchable.length < 2) return [...batchable.map((f) => f.each), ...single];
  const sums = batchable.map((f) => `${f.sha}  ${f.path}`).join("\n");
  return [`bk_sums <<'BKPLAY_SUMS' || { ${batchable.map((f) => f.each).join("; ")}; }\n${sums}\nBKPLAY_SUMS`, ...single];
}

/**
 * A run of consecutive file writes: every candidate written, the originals backed up in one copy, then each validated
 * and renamed into place in order. Nothing runs between them, so no live file changes before every candidate is
 * ready. A candidate is whole when base64 succeeded: the script runs only if it arrived whole (see buildApplyScript),
 * SSH guards its bytes, and a failed write (a full disk) fails base64.
 */
function fileWrites(items: readonly { i: number; c: FileChange }[], opts: ApplyOptions, dir: string): string {
  const lines: string[] = [];
  for (const { i, c } of items) {
    const data = c.kind === "write-file" ? Buffer.from(c.content, "utf8") : opts.readLocal(c.local);
    const cand = candidateOf(c.path, opts.runId);
    if (c.kind === "upload") lines.push(`mkdir -p -- ${q(c.path.slice(0, Math.max(1, c.path.lastIndexOf("/"))))}`);
    lines.push(`bk_candidate ${i} ${q(c.path)} ${q(cand)} ${q(candidateBase(c.path))} ${heredoc(data)}`);
    if (c.mode !== undefined || c.owner !== undefined || c.group !== undefined) lines.push(`bk_attrs ${i} ${q(cand)} ${attrArgs(c)}`);
  }
  // Run from / so that --parents recreates each absolute path under the backup directory.
  const existing = items.filter(({ c }) => c.beforeSha256 !== null && c.path.startsWith("/"));
  const first = items[0]?.i ?? 0;
  if (existing.length > 0) {
    lines.push(
      `(cd / && cp -pP --parents -- ${existing.map(({ c }) => q(c.path.slice(1))).join(" ")} "$bk_dir/backup") || bk_fail ${first} "cannot back up to $bk_dir/backup"`,
      `printf '%s B\\n' ${existing.map(({ i }) => i).join(" ")}`,
    );
  }
  // Candidates and backups reach the disk before any rename: after a power cut a file is old or new, never empty.
  lines.push(`bk_flush ${first} ${[...items.map(({ c }) => q(candidateOf(c.path, opts.runId))), ...existing.map(({ c }) => q(`${dir}/backup${c.path}`))].join(" ")}`);
  for (const { i, c } of items) {
    const cand = q(candidateOf(c.path, opts.runId));
    if (c.beforeSha256 !== null && !c.path.startsWith("/")) lines.push(`bk_backup ${i} ${q(c.path)}`);
    if (c.kind === "write-file" && c.validate) lines.push(`bk_validate ${i} ${q(c.validate.replaceAll("%s", '"$bk_t"'))} ${q(c.path)} ${cand}`);
    lines.push(`bk_place ${i} ${q(c.path)} ${cand}`, record(dir, c.path, c.beforeSha256, c.kind === "write-file" ? sha256(c.content) : c.sha256, opts.notifies[i]), ...owe(opts, i));
  }
  // Then the directories, so that the renames themselves survive a power cut.
  lines.push(`bk_flush ${items.at(-1)?.i ?? first} ${[...new Set(items.map(({ c }) => q(dirOf(c.path))))].join(" ")}`);
  return lines.join("\n");
}

function changeScript(i: number, c: Exclude<Change, FileChange>, opts: ApplyOptions, dir: string): string {
  const p = "path" in c ? q(c.path) : "";
  switch (c.kind) {
    case "extract":
      // A failed extract takes back the archive it was given (and, as any failed file change, what else was placed).
      return [
        `{ mkdir -p -- ${q(c.dest)} && tar -xzf ${q(c.archive)} -C ${q(c.dest)}; } 2>"$bk_err" || { rm -f -- ${q(c.archive)}; bk_why first; bk_fail ${i} ${q(`cannot extract ${c.archive}`)}"$bk_m"; }`,
        `printf '%s\\n' ${c.sha256} > ${q(c.marker)} && rm -f -- ${q(c.archive)} && printf '%s D\\n' ${i}`,
      ].join("\n");
    case "mkdir":
      return `mkdir -p -- ${p} || bk_fail ${i} ${q(`mkdir ${c.path} failed`)}\nbk_attrs ${i} ${p} ${attrArgs(c)}\nprintf '%s D\\n' ${i}`;
    case "attrs":
      return `bk_attrs ${i} ${p} ${attrArgs(c)}\nprintf '%s D\\n' ${i}`;
    case "remove":
      return [`bk_backup ${i} ${p}`, `rm -rf -- ${p} 2>"$bk_err" || { bk_why; bk_fail ${i} ${q(`rm ${c.path} failed`)}"$bk_m"; }`, `bk_placed="${i} $bk_placed"`, record(dir, c.path, "other", null, opts.notifies[i]), ...owe(opts, i), `printf '%s D\\n' ${i}`].join("\n");
    case "run": {
      const handler = opts.handlerOf[i];
      const note = handler === undefined ? "" : `printf '%s %s\\n' ${b64(handler)} ${b64(c.command)} >> "$bk_dir/handlers"\n`;
      const paid = handler === undefined ? "" : ` ${q(pendingKey(opts.playbook, handler))}`;
      return [`${note}bk_run ${i} ${q(c.command)} ${q(c.stdin ?? "")}${paid}`, ...owe(opts, i)].join("\n");
    }
  }
}

/**
 * The whole apply of one host as one script: every change in order, stopping at the first failure.
 * Wrapped in a function so a script cut short by a lost connection never runs at all.
 */
export function buildApplyScript(changes: readonly Change[], opts: ApplyOptions): string {
  const dir = `${opts.backupRoot}/${opts.runId}`;
  const indexed = changes.map((c, i) => ({ i, c }));
  // Backups of absolute paths are copied with --parents into backup/; others need their directory made here.
  const own = indexed.filter(({ c }) => c.kind === "remove" || (isFileChange(c) && c.beforeSha256 !== null && !c.path.startsWith("/")));
  const backupDirs = [
    ...(indexed.some(({ c }) => isFileChange(c) && c.beforeSha256 !== null) ? [q(`${dir}/backup`)] : []),
    ...new Set(own.map(({ c }) => q(`${dir}/backup${"path" in c ? c.path.slice(0, c.path.lastIndexOf("/")) : ""}`))),
  ];
  // One apply at a time per host: an exclusive flock, released by the kernel when this script ends. Backups may
  // hold secrets: the run's directories are 700.
  const head = `bk_run=${q(opts.runId)}\nbk_root=${q(opts.backupRoot)}\nbk_state=${q(opts.stateDir)}\nbk_by=${q(opts.by)}\nbk_dir=${q(dir)}\nbk_lock ${opts.lockTimeout} ${opts.startedAt} "$bk_dir" ${backupDirs.join(" ")}`;
  // Every file is checked against what was planned before the first write: a drifted host is left untouched.
  const expected = indexed.flatMap(({ i, c }) => (isFileChange(c) ? [{ path: c.path, sha: c.beforeSha256, each: `bk_expect ${i} ${q(c.path)} ${c.beforeSha256 ?? "none"}` }] : []));
  const expects = [...expected.filter((e) => e.sha === null).map((e) => e.each), ...checkSums(expected.flatMap((e) => (e.sha === null ? [] : [{ ...e, sha: e.sha }])))];
  const body: string[] = [];
  for (let k = 0; k < indexed.length; ) {
    const run: { i: number; c: FileChange }[] = [];
    // Two writes to one path never get here: the second was planned against the first, so its drift check fails.
    for (let item = indexed[k]; item !== undefined && isFileChange(item.c); item = indexed[++k]) run.push({ i: item.i, c: item.c });
    if (run.length > 0) {
      body.push(fileWrites(run, opts, dir));
      continue;
    }
    const item = indexed[k++];
    if (item !== undefined && !isFileChange(item.c)) body.push(changeScript(item.i, item.c, opts, dir));
  }
  return `bk_apply() {\n${PRELUDE}\n${undoScript(changes, opts, dir)}\n${head}\n${[...expects, ...body].join("\n")}\necho END\n}\nbk_apply </dev/null\n`;
}
