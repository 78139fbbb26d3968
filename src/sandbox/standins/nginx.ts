import { shellQuote as q } from "../../steps/shell-quote.js";

/** The machine's nginx, which each sandbox nginx host runs with its own files. */
export const REAL_NGINX = "/usr/sbin/nginx";

/** How one host runs nginx: its prefix, error log and nginx.conf. */
export interface NginxSetup {
  prefix: string;
  errorLog: string;
  conf: string;
}

/** Arguments that make the machine's nginx this host's: given first, so a caller's own -p, -e or -c still wins. */
export const hostNginxArgs = (s: NginxSetup): string[] => ["-p", `${s.prefix}/`, "-e", s.errorLog, "-c", s.conf];

/** This host's `nginx`: the real one with the host's files, so `nginx -t` and `nginx -s reload` are real. */
export function nginxWrapper(s: NginxSetup): string {
  return `#!/bin/sh
# bkplay sandbox: this host's nginx is the machine's ${REAL_NGINX}, run with this host's own files.
exec ${REAL_NGINX} ${hostNginxArgs(s).map(q).join(" ")} "$@"
`;
}

/**
 * Where no nginx is installed: a stand-in that takes what an operator or a playbook asks of nginx (-t, -s
 * reload|stop|quit|reopen, -c FILE, -q, -e FILE), records signals in `log`, and rejects the rest as nginx
 * does (exit 1). It tests nothing: `-t` only checks that the file exists.
 */
export function nginxStandIn(s: NginxSetup, log: string): string {
  return `#!/bin/bash
# bkplay sandbox: stand-in for nginx (not installed on this machine); it serves nothing.
conf=${q(s.conf)}
test=""
signal=""
while [ $# -gt 0 ]; do
    case "$1" in
        -t) test=1 ;;
        -q) ;;
        -s) case "$2" in reload|stop|quit|reopen) signal=$2; shift ;; *) echo "nginx: invalid option: \\"-s $2\\"" >&2; exit 1 ;; esac ;;
        -c) [ $# -ge 2 ] || { echo 'nginx: option "-c" requires file name' >&2; exit 1; }; conf=$2; shift ;;
        -e) [ $# -ge 2 ] || { echo 'nginx: option "-e" requires file name' >&2; exit 1; }; shift ;;
        *) echo "nginx: invalid option: \\"$1\\"" >&2; exit 1 ;;
    esac
    shift
done
if [ -n "$test" ]; then
    [ -r "$conf" ] || { echo "nginx: [emerg] open() \\"$conf\\" failed (2: No such file or directory)" >&2; exit 1; }
    echo "nginx: the configuration file $conf syntax is ok" >&2
    echo "nginx: configuration file $conf test is successful" >&2
    exit 0
fi
[ -n "$signal" ] || { echo "nginx: the bkplay sandbox runs no nginx here (install nginx for a real one)" >&2; exit 1; }
mkdir -p "$(dirname ${q(log)})"
echo "-s $signal" >> ${q(log)}
`;
}

/** The host's nginx script: the wrapper when the machine has nginx, else the stand-in. */
export const nginxScript = (s: NginxSetup, log: string, realNginx: boolean): string => (realNginx ? nginxWrapper(s) : nginxStandIn(s, log));
