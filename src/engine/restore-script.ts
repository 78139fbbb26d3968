import { shellQuote as q } from "../steps/shell-quote.js";

/**
 * Undo a run on one host from what its apply recorded there (`<backupRoot>/<runId>/manifest` and
 * `handlers`): newest change first, each file put back atomically only where it is still what the run wrote
 * (unless forced), then the handlers those files notified, in their original order.
 * Records: `R <b64 path>` restored, `S <b64 path> <sha now>` skipped (changed since), `H <b64 name> <exit>`, `END`.
 */
export function buildRestoreScript(runDir: string, stateDir: string, force: boolean): string {
  return String.raw`bk_restore() {
d=${q(runDir)}
state=${q(stateDir)}
force=${force ? 1 : 0}
unb() { [ "$1" = - ] && return 0; printf '%s' "$1" | base64 -d; }
sha() { if [ -f "$1" ]; then sha256sum < "$1" | cut -c1-64; elif [ -e "$1" ]; then echo other; else echo none; fi; }
[ -f "$d/manifest" ] || { echo NOMANIFEST; exit 4; }
# The host's one apply lock (see apply-script.ts), whatever the backup directory.
if command -v flock >/dev/null 2>&1; then mkdir -p -m 700 -- "$state" && exec 9>>"$state/lock" && flock -w 60 9 || { echo LOCKED; exit 75; }; fi
notified=''
tac "$d/manifest" > "$d/manifest.rev" || exit 1
while read -r p64 before after b64 n64; do
  p=$(unb "$p64"); b=$(unb "$b64"); now=$(sha "$p")
  if [ "$now" != "$after" ] && [ "$force" = 0 ]; then printf 'S %s %s\n' "$p64" "$now"; continue; fi
  if [ -n "$b" ]; then
    t="$(dirname -- "$p")/.$(basename -- "$p").bkplay-restore"
    cp -pP -- "$b" "$t" && mv -f -- "$t" "$p" || { rm -f -- "$t"; printf 'F %s\n' "$p64"; exit 1; }
  elif [ "$before" = none ]; then
    rm -f -- "$p" || { printf 'F %s\n' "$p64"; exit 1; }
  else
    printf 'F %s\n' "$p64"; exit 1
  fi
  printf 'R %s\n' "$p64"
  notified="$notified,$(unb "$n64"),"
done < "$d/manifest.rev"
rm -f -- "$d/manifest.rev"
if [ -f "$d/handlers" ]; then
  while read -r h64 c64; do
    h=$(unb "$h64")
    case "$notified" in *",$h,"*) ;; *) continue ;; esac
    sh -c "$(unb "$c64")" </dev/null >/dev/null 2>"$d/handler.err" 9>&-
    printf 'H %s %s\n' "$h64" "$?"
  done < "$d/handlers"
fi
echo END
}
bk_restore </dev/null
`;
}
