/**
 * sh functions over /proc, for probes that ask which process owns what:
 * `bk_alive PID` — it runs (a zombie is dead: its parent has not reaped it yet);
 * `bk_inodes PID` — the inodes of the sockets it holds open, space-separated (empty when none, or not readable).
 */
export const PROC_FUNCTIONS = String.raw`bk_alive() {
  bk_st=$(sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
  [ -n "$bk_st" ] && [ "$bk_st" != Z ]
}
bk_inodes() {
  for bk_fd in /proc/"$1"/fd/*; do
    bk_l=$(readlink "$bk_fd" 2>/dev/null) || continue
    case $bk_l in socket:*) bk_l=${"$"}{bk_l#socket:?}; printf '%s ' "${"$"}{bk_l%?}" ;; esac
  done
}`;
