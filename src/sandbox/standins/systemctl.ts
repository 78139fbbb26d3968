import { shellQuote as q } from "../../steps/shell-quote.js";

export const SYSTEMCTL_VERBS = ["start", "stop", "restart", "reload", "status", "is-active", "cat"] as const;

/**
 * `systemctl` for a bkce 6.x sandbox host, first on its PATH. No systemd can run here (it must be PID 1 of
 * its machine, and the sandbox's hosts share one), so this stand-in reads the host's unit files under its
 * sysroot (etc/systemd/system, usr/lib/systemd/system, lib/systemd/system), refuses what systemctl refuses
 * (`Failed to restart X: Unit X not found.`, exit 5), records each accepted start/stop/restart/reload in
 * `log`, and runs nothing but a unit's ExecReload (so `systemctl reload openresty.service` signals the real
 * nginx, as on a real host). Units' own processes are neither started nor stopped; their state lives in
 * the host's /run.
 */
export function systemctlScript(sysroot: string, log: string): string {
  const verbs = SYSTEMCTL_VERBS.join("|");
  return `#!/bin/bash
# bkplay sandbox: systemctl stand-in (no systemd runs in the sandbox). Knows: ${verbs}.
SYSROOT=${q(sysroot)}
LOG=${q(log)}
STATE="$SYSROOT/run/systemd/sandbox-units"

unit_file() {
    local d
    for d in etc/systemd/system usr/lib/systemd/system lib/systemd/system; do
        if [ -f "$SYSROOT/$d/$1" ]; then echo "$SYSROOT/$d/$1"; return 0; fi
    done
    return 1
}
# The last value a unit file gives KEY.
unit_key() { sed -n "s/^$2=//p" "$1" | tail -n 1; }
# An absolute path as this host sees it: under its sysroot when it is there.
host_path() {
    if [ "\${1#/}" != "$1" ] && [ -e "$SYSROOT$1" ]; then echo "$SYSROOT$1"; else echo "$1"; fi
}
is_active() { [ ! -e "$STATE/$1.inactive" ]; }
record() { mkdir -p "$(dirname "$LOG")" && echo "$1 $2" >> "$LOG"; }

reload_unit() {
    local cmd pidfile mainpid argv
    cmd=$(unit_key "$2" ExecReload)
    if [ -z "$cmd" ]; then
        echo "Failed to reload $1: Job type reload is not applicable for unit $1." >&2
        return 1
    fi
    if ! is_active "$1"; then
        echo "$1 is not active, cannot reload." >&2
        return 1
    fi
    pidfile=$(unit_key "$2" PIDFile)
    mainpid=""
    if [ -n "$pidfile" ]; then mainpid=$(cat "$(host_path "$pidfile")" 2>/dev/null); fi
    cmd=\${cmd//\\$\\{MAINPID\\}/$mainpid}
    cmd=\${cmd//\\$MAINPID/$mainpid}
    read -r -a argv <<< "$cmd"
    argv[0]=$(host_path "\${argv[0]}")
    if ! "\${argv[@]}"; then
        echo "Job for $1 failed because the control process exited with error code." >&2
        return 1
    fi
}

verb=""
units=()
for a in "$@"; do
    case "$a" in
        --no-pager|--quiet|-q|--no-block) ;;
        -*) echo "systemctl: unrecognized option '$a'" >&2; exit 1 ;;
        *) if [ -z "$verb" ]; then verb=$a; else units+=("$a"); fi ;;
    esac
done
case "$verb" in
    ${verbs}) ;;
    "") echo "systemctl: a command is needed (this sandbox host knows ${verbs})" >&2; exit 1 ;;
    *) echo "Unknown command verb '$verb' (this sandbox host knows ${verbs})." >&2; exit 1 ;;
esac
if [ \${#units[@]} -eq 0 ]; then echo "Too few arguments." >&2; exit 1; fi

rc=0
fail() { if [ "$rc" -eq 0 ]; then rc=$1; fi; }
for u in "\${units[@]}"; do
    case "$u" in *.service|*.target|*.socket|*.timer|*.mount|*.path|*.slice) ;; *) u="$u.service" ;; esac
    if ! f=$(unit_file "$u"); then
        case "$verb" in
            status) echo "Unit $u could not be found." >&2; fail 4 ;;
            is-active) echo inactive; fail 3 ;;
            cat) echo "No files found for $u." >&2; fail 1 ;;
            *) echo "Failed to $verb $u: Unit $u not found." >&2; fail 5 ;;
        esac
        continue
    fi
    case "$verb" in
        cat) echo "# \${f#"$SYSROOT"}"; cat "$f" ;;
        is-active) if is_active "$u"; then echo active; else echo inactive; fail 3; fi ;;
        status)
            echo "● $u - $(unit_key "$f" Description)"
            echo "     Loaded: loaded (\${f#"$SYSROOT"}; enabled)"
            if is_active "$u"; then echo "     Active: active (running)"; else echo "     Active: inactive (dead)"; fail 3; fi ;;
        start|restart) mkdir -p "$STATE" && rm -f "$STATE/$u.inactive" && record "$verb" "$u" ;;
        stop) mkdir -p "$STATE" && touch "$STATE/$u.inactive" && record "$verb" "$u" ;;
        reload) if reload_unit "$u" "$f"; then record "$verb" "$u"; else fail 1; fi ;;
    esac
done
exit "$rc"
`;
}
