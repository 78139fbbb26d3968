import { shellQuote as q } from "../steps/shell-quote.js";

export interface RestoreScriptOptions {
  /** Read only: decide and say what a rollback would do, take no lock, change nothing. */
  check?: boolean;
  /** Seconds to wait for another run's apply (or rollback) on this host. */
  lockTimeout?: number;
  /** Who holds the lock while this restores, as a waiting run will name it. */
  owner?: string;
}

/**
 * Undo a run on one host from what its apply recorded there (`<backupRoot>/<runId>/manifest` and `handlers`): newest
 * change first, each file put back atomically only where it is still what the run wrote (unless forced), then the
 * handlers those files notified, in their original order. A file already as it was before the run (rolled back
 * earlier, or put back by hand) is left alone, forced or not. With `check` the same decisions are made and said, and
 * nothing is locked, written or run.
 * Records: `R <b64 path> <sha now> <sha before run> <b64 backup> <b64 handlers notified>` restored (or would be), `S <b64 path> <sha now>`
 * skipped (changed since), `A <b64 path> <sha now>` already as before the run, `F <b64 path>` failed,
 * `H <b64 name> <exit> <b64 command> <b64 stderr>` a handler ran, `K <b64 name> <b64 command>` it would run,
 * `W <b64 holder>` waiting for the lock, `LOCKED <b64 holder>`, `NOMANIFEST`, `END`.
 */
export function buildRestoreScript(runDir: string, stateDir: string, force: boolean, options: RestoreScriptOptions = {}): string {
  return String.raw`bk_restore() {
d=${q(runDir)}
state=${q(stateDir)}
force=${force ? 1 : 0}
check=${options.check ? 1 : 0}
unb() { [ "$1" = - ] && return 0; printf '%s' "$1" | base64 -d; }
b64() { printf '%s' "$1" | base64 -w0; }
sha() { if [ -f "$1" ]; then sha256sum < "$1" | cut -c1-64; elif [ -e "$1" ]; then echo other; else echo none; fi; }
[ -f "$d/manifest" ] || { echo NOMANIFEST; exit 4; }
# The host's one apply lock (see apply-script.ts), whatever the backup directory; a check takes none.
if [ "$check" = 0 ] && command -v flock >/dev/null 2>&1; then
  mkdir -p -m 700 -- "$state" && exec 9>>"$state/lock" || { echo LOCKED; exit 75; }
  if ! flock -n 9; then
    printf 'W %s\n' "$(b64 "$(cat "$state/lock.owner" 2>/dev/null)")"
    flock -w ${options.lockTimeout ?? 60} 9 || { printf 'LOCKED %s\n' "$(b64 "$(cat "$state/lock.owner" 2>/dev/null)")"; exit 75; }
  fi
  trap 'rm -f -- "$state/lock.owner"' EXIT
  printf '%s, pid %s' ${q(options.owner ?? "a bkplay rollback")} "$$" > "$state/lock.owner"
fi
tac "$d/manifest" | {
notified=''
while read -r p64 before after b64 n64; do
  p=$(unb "$p64"); b=$(unb "$b64"); now=$(sha "$p")
  # As it was before the run: nothing to put back (a removed path's backup is compared byte for byte).
  if [ "$now" != "$after" ] && { [ "$now" = "$before" ] || { [ "$before" = other ] && [ -f "$b" ] && [ -f "$p" ] && cmp -s -- "$b" "$p"; }; }; then
    printf 'A %s %s\n' "$p64" "$now"; continue
  fi
  if [ "$now" != "$after" ] && [ "$force" = 0 ]; then printf 'S %s %s\n' "$p64" "$now"; continue; fi
  if [ "$check" = 1 ]; then
    [ -n "$b" ] || [ "$before" = none ] || { printf 'F %s\n' "$p64"; exit 1; }
  elif [ -n "$b" ]; then
    t="$(dirname -- "$p")/.$(basename -- "$p").bkplay-restore"
    cp -pP -- "$b" "$t" && mv -f -- "$t" "$p" || { rm -f -- "$t"; printf 'F %s\n' "$p64"; exit 1; }
  elif [ "$before" = none ]; then
    rm -f -- "$p" || { printf 'F %s\n' "$p64"; exit 1; }
  else
    printf 'F %s\n' "$p64"; exit 1
  fi
  printf 'R %s %s %s %s %s\n' "$p64" "$now" "$before" "$b64" "$n64"
  notified="$notified,$(unb "$n64"),"
done
if [ -f "$d/handlers" ]; then
  while read -r h64 c64; do
    h=$(unb "$h64")
    case "$notified" in *",$h,"*) ;; *) continue ;; esac
    if [ "$check" = 1 ]; then printf 'K %s %s\n' "$h64" "$c64"; continue; fi
    sh -c "$(unb "$c64")" </dev/null >/dev/null 2>"$d/handler.err" 9>&-
    c=$?
    printf 'H %s %s %s %s\n' "$h64" "$c" "$c64" "$(tail -c 4096 "$d/handler.err" | base64 -w0)"
  done < "$d/handlers"
fi
echo END
}
}
bk_restore </dev/null
`;
}
