import { shellQuote as q } from "../../steps/shell-quote.js";

/**
 * A stand-in for the seeds' `bin/dashboard.sh`: it takes exactly what the real script takes (an action and
 * one of its modules), records each accepted call in `log`, and refuses anything else with its usage (exit 2).
 * `status` only answers, so reading a host's state writes nothing.
 */
export function dashboardScript(what: string, modules: readonly string[], log: string): string {
  const list = modules.join("|");
  return `#!/bin/bash
# bkplay sandbox: stand-in for ${what}'s dashboard.sh. It starts and stops nothing; it records the request.
usage() {
    echo "Usage: $0 {start|stop|restart|status} {${list}}" >&2
    exit 2
}
[ $# -eq 2 ] || usage
case "$1" in start|stop|restart|status) ;; *) usage ;; esac
case "$2" in ${list}) ;; *) usage ;; esac
if [ "$1" = status ]; then
    echo "$2: RUNNING"
    exit 0
fi
mkdir -p "$(dirname ${q(log)})"
echo "$1 $2" >> ${q(log)}
echo "$1 $2: OK"
`;
}
