import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shellQuote as q } from "../../src/steps/shell-quote.js";

export const REAL_NGINX = "/usr/sbin/nginx";

/** A script that records its own name and arguments in `log`: services are not restarted on this machine. */
export const recorder = (name: string, log: string): string => `#!/bin/sh
# conformance test stand-in for ${name}: records the call, starts and stops nothing.
echo "${name} $*" >> ${q(log)}
`;

/**
 * Runs its arguments (the machine's nginx) in a private mount namespace, chrooted into a tmpfs that binds the
 * machine's programs, libraries, /etc, /dev, the test's directory and TMPDIR, with empty /var, /run and the
 * log directories listed in `logDirs`. Why: `nginx -t` opens (creates) every log file a config names —
 * /var/log/nginx/… in 5.x files, /data/bkce/logs/nginx/… in 6.x — and a test must not create files or
 * directories on the machine; rewriting those paths would test another file than the one bkplay wrote.
 * Needs root (CI) or unprivileged user namespaces (`unshare -r`). The mounts die with the namespace.
 */
export function jailScript(jail: string, logDirs: string, labDir: string): string {
  return `#!/bin/sh
set -e
jail=${q(jail)}; dirs=${q(logDirs)}; lab=${q(labDir)}; tmp=\${TMPDIR:-${q(tmpdir())}}
as_root=""; [ "$(id -u)" = 0 ] || as_root=-r
exec unshare $as_root --mount --propagation private --fork sh -c '
  set -e
  jail=$1; dirs=$2; lab=$3; tmp=$4; shift 4
  mount -t tmpfs bkplay-conformance "$jail"
  for n in bin sbin lib lib32 lib64 libx32 usr etc dev; do
    if [ -L "/$n" ]; then ln -s "$(readlink "/$n")" "$jail/$n"
    elif [ -d "/$n" ]; then mkdir "$jail/$n" && mount --rbind "/$n" "$jail/$n"; fi
  done
  mkdir -p "$jail/var/log/nginx" "$jail/var/lib/nginx" "$jail/run"
  if [ -f "$dirs" ]; then while read -r d; do mkdir -p "$jail$d"; done < "$dirs"; fi
  for d in "$tmp" "$lab"; do mkdir -p "$jail$d" && mount --rbind "$d" "$jail$d"; done
  exec chroot "$jail" "$@"
' jail "$jail" "$dirs" "$lab" "$tmp" "$@"
`;
}

/**
 * The test host's nginx on PATH: signals are recorded in `log` (no nginx runs for it); anything else (the playbook's
 * `nginx -t`) is the jailed real nginx, its arguments and exit code recorded in `tests`.
 */
export const nginxWrapper = (jailSh: string, log: string, tests: string): string => `#!/bin/sh
# conformance test nginx: -s is recorded; -t and the rest run the machine's nginx in a throwaway mount namespace.
case " $* " in *" -s "*) echo "nginx $*" >> ${q(log)}; exit 0 ;; esac
rc=0
sh ${q(jailSh)} ${REAL_NGINX} "$@" || rc=$?
echo "nginx $* => $rc" >> ${q(tests)}
exit $rc
`;

export function writeScript(path: string, text: string): string {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}
