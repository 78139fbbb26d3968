import { shellQuote as q } from "../../steps/shell-quote.js";

/** Where a sandbox host's DNS answers come from (hosts-file format: `IP name…`), beside its sshd files. */
export const DNS_ZONE = "sandbox-dns.zone";

/**
 * A DNS server for the namespace's loopback: answers A and AAAA queries for the names in the zone file given as
 * its argument (NXDOMAIN for any other name), prints `ready` once it listens on 127.0.0.1:53.
 */
const RESPONDER = String.raw`import socket, struct, sys
zone = {}
for line in open(sys.argv[1]):
    fields = line.split("#")[0].split()
    for name in fields[1:]:
        zone.setdefault(name.lower().rstrip("."), []).append(fields[0])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
print("ready", flush=True)
while True:
    query, peer = s.recvfrom(4096)
    i, labels = 12, []
    while i < len(query) and query[i]:
        labels.append(query[i + 1:i + 1 + query[i]].decode("ascii", "replace"))
        i += 1 + query[i]
    if i + 5 > len(query):
        continue
    qtype = struct.unpack(">H", query[i + 1:i + 3])[0]
    known = zone.get(".".join(labels).lower())
    family = {1: socket.AF_INET, 28: socket.AF_INET6}.get(qtype)
    answers = [a for a in known or [] if family is not None and (":" in a) == (family == socket.AF_INET6)]
    reply = query[:2] + struct.pack(">HHHHH", 0x8580 | (3 if known is None else 0), 1, len(answers), 0, 0) + query[12:i + 5]
    for a in answers:
        data = socket.inet_pton(family, a)
        reply += struct.pack(">HHHIH", 0xC00C, qtype, 1, 60, len(data)) + data
    s.sendto(reply, peer)
`;

/**
 * `getent` for a sandbox host, first on its PATH. The hosts share one machine, whose /etc/hosts and DNS are not
 * theirs: so the machine's real getent runs in a mount and network namespace of its own, where /etc/hosts and
 * /etc/resolv.conf are the host's (under its sysroot) and the only DNS server is a responder on the namespace's
 * loopback answering from the host's zone file. No query leaves the namespace; when it cannot be made (unshare
 * needs root), getent does not run at all.
 */
export function getentScript(sysroot: string): string {
  return `#!/bin/bash
# bkplay sandbox: the real getent, resolving as this host would (its own /etc/hosts, its own DNS), isolated.
SYSROOT=${q(sysroot)}
if [ "\${BKPLAY_SANDBOX_GETENT:-}" != inside ]; then
    exec unshare --mount --net -- env BKPLAY_SANDBOX_GETENT=inside /bin/bash "$0" "$@"
fi
fail() { echo "sandbox getent: $*" >&2; exit 1; }
on_host() { if [ -f "$SYSROOT$1" ]; then echo "$SYSROOT$1"; else echo /dev/null; fi; }
mount --bind "$(on_host /etc/hosts)" /etc/hosts || fail "cannot use this host's /etc/hosts"
mount --bind "$(on_host /etc/resolv.conf)" /etc/resolv.conf || fail "cannot use this host's /etc/resolv.conf"
ip link set lo up || fail "no loopback in the namespace"
if [ -s "$SYSROOT/${DNS_ZONE}" ]; then
    coproc DNS { exec /usr/bin/python3 -c ${q(RESPONDER)} "$SYSROOT/${DNS_ZONE}"; }
    read -r -t 5 ready <&"\${DNS[0]}" && [ "$ready" = ready ] || fail "the DNS responder did not start"
fi
# As a host's getent is called: by its name (its messages begin with it).
(exec -a getent /usr/bin/getent "$@")
rc=$?
[ -n "\${DNS_PID:-}" ] && kill "$DNS_PID"
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
