import { shellQuote as q } from "../../steps/shell-quote.js";

/**
 * `getent` for a sandbox host, first on its PATH: `getent hosts [key…]` answers from the host's own
 * /etc/hosts (under its sysroot) and never asks the machine's resolver or DNS, so a name lookup stays on this
 * machine. It answers as glibc's getent does: `<address> <names>` per match, exit 2 when a key is not found,
 * exit 1 with getent's words for an unknown database or no arguments. Other databases glibc knows (ahosts,
 * passwd…) are refused with exit 1 and a stand-in's note, never answered wrongly.
 */
export function getentScript(sysroot: string): string {
  return `#!/bin/bash
# bkplay sandbox: getent hosts from this host's own /etc/hosts (no DNS is asked).
HOSTS=${q(`${sysroot}/etc/hosts`)}
try() { echo "Try \\\`getent --help' or \\\`getent --usage' for more information." >&2; }
[ $# -ge 1 ] || { echo "getent: wrong number of arguments" >&2; try; exit 1; }
db=$1; shift
case "$db" in
    hosts) ;;
    ahosts|ahostsv4|ahostsv6|group|gshadow|initgroups|netgroup|networks|passwd|protocols|rpc|services|shadow|ethers|aliases)
        echo "getent: this sandbox stand-in answers the hosts database only (asked for $db)" >&2; exit 1 ;;
    *) echo "Unknown database: $db" >&2; try; exit 1 ;;
esac
entries() { sed -e 's/#.*//' "$HOSTS" 2>/dev/null | awk 'NF >= 2'; }
if [ $# -eq 0 ]; then entries | awk '{ printf "%-15s", $1; for (i = 2; i <= NF; i++) printf " %s", $i; print "" }'; exit 0; fi
rc=0
for key in "$@"; do
    line=$(entries | awk -v k="$key" '{ if ($1 == k) { print; exit } for (i = 2; i <= NF; i++) if (tolower($i) == tolower(k)) { print; exit } }')
    if [ -z "$line" ]; then rc=2; continue; fi
    echo "$line" | awk '{ printf "%-15s", $1; for (i = 2; i <= NF; i++) printf " %s", $i; print "" }'
done
exit "$rc"
`;
}

/** The host's /etc/hosts: loopback, and the names its install's files give PaaS (all sandbox hosts are 127.0.0.1). */
export function etcHosts(lanIp: string, names: readonly string[]): string {
  return `127.0.0.1   localhost localhost.localdomain
# BlueKing: the PaaS names this install's files use (every sandbox host is ${lanIp})
${lanIp}   ${names.join(" ")}
`;
}
