import { hostMarkers } from "../generations/host-layout.js";
import type { PaasGeneration } from "../generations/layouts.js";
import type { Host } from "../inventory/types.js";
import { shellQuote as q } from "../steps/shell-quote.js";

/** Every request a check makes from a host waits this long at most (connect and answer). */
export const HTTP_TIMEOUT_S = 3;
/** Bytes of an answer kept: a healthz is small; a pip index's root page is not, and its first bytes say enough. */
const MAX_ANSWER = 65536;

/**
 * Shell that makes HTTP requests from the host itself, with what every BlueKing host has: bash's /dev/tcp, under
 * `timeout`. `bk_get KEY ADDRESS PORT PATH HOST [tls]` sends `GET PATH` (HTTP/1.0, so the server closes the
 * connection when it has answered) in the background and prints `get KEY <exit> <answer in base64>`: exit 7 when
 * the connection is refused, 124 when it timed out; with `tls` it only connects (bash speaks no TLS): exit 5. A host
 * missing one of those tools exits 3 saying which: the check is `unknown` there.
 */
export const HTTP_PRELUDE = `for t in bash timeout base64 head; do
  command -v "$t" >/dev/null 2>&1 || { echo "$t is not installed: cannot make an HTTP request from this host" >&2; exit 3; }
done
bk_get() {
  ( r=$(timeout ${HTTP_TIMEOUT_S} bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 7
      [ "$4" = tls ] && exit 5
      printf "GET %s HTTP/1.0\\r\\nHost: %s\\r\\nUser-Agent: bkplay-doctor\\r\\nAccept: */*\\r\\nConnection: close\\r\\n\\r\\n" "$2" "$3" >&3
      head -c ${MAX_ANSWER} <&3 | base64 -w0' "$2" "$3" "$4" "$5" "$6" 2>/dev/null)
    printf 'get\\t%s\\t%s\\t%s\\n' "$1" "$?" "$r" ) &
}`;

/**
 * Shell that exits (printing nothing) unless the host holds a marker file of `g`: a check's command for a
 * generation the host may turn out not to be (its generation is found in the same round trip) then costs nothing.
 */
export function onlyOn(host: Pick<Host, "vars">, g: PaasGeneration): string {
  const markers = hostMarkers(host).find((m) => m.generation === g)?.markers.map((m) => m.path) ?? [];
  return `bk_on=; for m in ${markers.map(q).join(" ")}; do [ -e "$m" ] && bk_on=1; done; [ -n "$bk_on" ] || exit 0`;
}

/**
 * Shell that reads the URL `key` of the agent's YAML config (quoted or not, comment dropped), finds its address
 * as the host does (`getent hosts`: /etc/hosts, then DNS), and requests `suffix` below it with bk_get. Prints
 * `url KEY <url>`, then `resolved KEY <name> <getent exit> <address> <port>`, then bk_get's line; nothing when the file
 * or the key is not there. Needs HTTP_PRELUDE before it.
 */
export function urlRequest(key: string, config: string, suffix: string): string {
  return `u=$(sed -n "s/^[[:space:]]*${key}:[[:space:]]*['\\"]\\{0,1\\}\\([^'\\" #]*\\).*/\\1/p" ${q(config)} 2>/dev/null | head -n 1)
if [ -n "$u" ]; then
  printf 'url\\t%s\\t%s\\n' ${q(key)} "$u"
  scheme=\${u%%://*}; rest=\${u#*://}; hp=\${rest%%/*}; base=\${rest#"$hp"}; base=\${base%/}
  h=\${hp%:*}; p=\${hp##*:}; [ "$h" = "$hp" ] && { [ "$scheme" = https ] && p=443 || p=80; }
  if printf '%s' "$h" | grep -Eq '^[0-9]+([.][0-9]+){3}$'; then ip=$h; rc=0
  else ent=$(timeout ${HTTP_TIMEOUT_S} getent hosts "$h" 2>/dev/null); rc=$?; ip=$(printf '%s\\n' "$ent" | awk '{ print $1; exit }'); fi
  printf 'resolved\\t%s\\t%s\\t%s\\t%s\\t%s\\n' ${q(key)} "$h" "$rc" "$ip" "$p"
  if [ -n "$ip" ]; then
    case "$scheme" in https) bk_get ${q(key)} "$ip" "$p" / "$hp" tls ;; *) bk_get ${q(key)} "$ip" "$p" "$base"${q(suffix)} "$hp" ;; esac
  fi
fi
wait`;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** An HTTP/1.x answer as read off the wire (a chunked body joined); undefined when the bytes are not HTTP. */
export function parseHttp(raw: Buffer): HttpAnswer | undefined {
  const text = raw.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  const head = end < 0 ? text : text.slice(0, end);
  const status = /^HTTP\/1\.[01] (\d{3})\b/.exec(head);
  if (!status) return undefined;
  const header = (name: string): string => new RegExp(`^${name}:[ \\t]*(.*?)[ \\t]*$`, "im").exec(head)?.[1] ?? "";
  let body = end < 0 ? Buffer.alloc(0) : raw.subarray(Buffer.byteLength(text.slice(0, end + 4), "latin1"));
  if (/chunked/i.test(header("Transfer-Encoding"))) body = dechunk(body);
  return { status: Number(status[1]), contentType: header("Content-Type"), body: body.toString("utf8") };
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf("\r\n", at);
    const size = eol < 0 ? NaN : parseInt(body.subarray(at, eol).toString("latin1"), 16);
    if (!Number.isFinite(size) || size <= 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** One request's outcome as the host saw it. */
export type Reply = { kind: "answered"; answer: HttpAnswer } | { kind: "connected" } | { kind: "refused" } | { kind: "timeout" } | { kind: "garbled"; bytes: number } | { kind: "closed" };

/** What bk_get printed for each key. */
export function repliesOf(stdout: string): Map<string, Reply> {
  const out = new Map<string, Reply>();
  for (const line of stdout.split("\n")) {
    const [tag, key = "", rc = "", b64 = ""] = line.split("\t");
    if (tag !== "get") continue;
    const raw = Buffer.from(b64, "base64");
    if (rc === "7") out.set(key, { kind: "refused" });
    else if (rc === "124") out.set(key, { kind: "timeout" });
    else if (rc === "5") out.set(key, { kind: "connected" });
    else if (raw.length === 0) out.set(key, { kind: "closed" });
    else {
      const answer = parseHttp(raw);
      out.set(key, answer ? { kind: "answered", answer } : { kind: "garbled", bytes: raw.length });
    }
  }
  return out;
}

/** Why a request got no HTTP answer, in words; undefined when it got one. */
export function noAnswer(r: Reply | undefined, where: string): string | undefined {
  switch (r?.kind) {
    case "answered":
    case "connected":
      return undefined;
    case "refused":
      return `nothing listens on ${where} (connection refused)`;
    case "timeout":
      return `${where} did not answer within ${HTTP_TIMEOUT_S} s`;
    case "garbled":
      return `${where} answered ${r.bytes} bytes that are not HTTP`;
    case "closed":
      return `${where} closed the connection without answering`;
    case undefined:
      return `no request was made to ${where}`;
  }
}

/** The `url` and `resolved` lines urlRequest printed for `key`. */
export interface UrlDialled {
  url?: string;
  name?: string;
  resolveExit?: number;
  address?: string;
  port?: string;
}

export function urlOf(stdout: string, key: string): UrlDialled {
  const out: UrlDialled = {};
  for (const line of stdout.split("\n")) {
    const [tag, k, ...rest] = line.split("\t");
    if (k !== key) continue;
    if (tag === "url") out.url = rest[0] ?? "";
    if (tag === "resolved") {
      out.name = rest[0] ?? "";
      out.resolveExit = Number(rest[1]);
      out.address = rest[2] ?? "";
      out.port = rest[3] ?? "";
    }
  }
  return out;
}
