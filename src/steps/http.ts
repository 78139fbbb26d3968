import { StepError } from "../errors.js";
import { shellQuote } from "./shell-quote.js";
import type { CommandFact, StepType } from "./types.js";
import { t } from "../i18n/t.js";

export interface HttpParams {
  url: string;
  status?: number | number[];
  body_contains?: string;
  timeout?: number;
  retries?: number;
  delay?: number;
  headers?: Record<string, string>;
}

/**
 * Runs as `sh -c SCRIPT http-check URL TIMEOUT RETRIES DELAY "STATUSES" NEEDLE -H … `: the script is constant
 * and every value is one quoted argument. Retries until the status and body match, then prints the status
 * line and the body. The script holds no single quote, so quoting it stays readable.
 */
const SCRIPT =
  'f=$(mktemp) || exit 125; trap "rm -f $f" EXIT; url=$1 max=$2 tries=$3 delay=$4 want=" $5 " needle=$6; shift 6; n=0; ' +
  'while :; do code=$(curl -sS -o "$f" -w %{http_code} --max-time "$max" "$@" --url "$url"); ' +
  'case $want in *" $code "*) { [ -z "$needle" ] || grep -qF -e "$needle" "$f"; } && break;; esac; ' +
  '[ "$n" -ge "$tries" ] && break; n=$((n + 1)); sleep "$delay"; done; printf "%s\\n" "$code"; cat "$f"';

const statusesOf = (p: HttpParams): number[] => (p.status === undefined ? [200] : typeof p.status === "number" ? [p.status] : p.status);

export const http: StepType<HttpParams> = {
  name: "http",
  summary: "Check from the host that a URL answers a GET with the expected status (and body), with retries",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["url"],
    properties: {
      url: { type: "string", minLength: 1, description: "URL fetched with curl on the host" },
      status: {
        description: "Accepted status code(s) (default 200)",
        anyOf: [
          { type: "integer", minimum: 100, maximum: 599 },
          { type: "array", minItems: 1, items: { type: "integer", minimum: 100, maximum: 599 } },
        ],
      },
      body_contains: { type: "string", minLength: 1, description: "Text the response body must contain" },
      timeout: { type: "number", exclusiveMinimum: 0, description: "Seconds per attempt (default 10)" },
      retries: { type: "integer", minimum: 0, description: "Further attempts after a mismatch (default 0)" },
      delay: { type: "integer", minimum: 0, description: "Seconds between attempts (default 2)" },
      headers: {
        type: "object",
        additionalProperties: { type: "string" },
        description: "Request headers (visible in the host's process list: not for secrets)",
      },
    },
  },
  readOnly: true,
  probes(p) {
    return [{ kind: "command", command: checkCommand(p) }];
  },
  plan(p, facts) {
    return { changes: [], messages: [judge(p, facts.command(checkCommand(p)))] };
  },
};

function checkCommand(p: HttpParams): string {
  const headers = Object.entries(p.headers ?? {}).flatMap(([name, value]) => ["-H", `${name}: ${value}`]);
  const args = [p.url, String(p.timeout ?? 10), String(p.retries ?? 0), String(p.delay ?? 2), statusesOf(p).join(" "), p.body_contains ?? "", ...headers];
  return ["sh", "-c", SCRIPT, "http-check", ...args].map(shellQuote).join(" ");
}

/** Reads only, so the same verdict holds in check mode; a mismatch fails the host. */
function judge(p: HttpParams, fact: CommandFact): string {
  const what = `GET ${p.url}`;
  if (fact.exitCode !== 0) throw new StepError(t("step.httpFailed", { what, code: fact.exitCode, stderr: fact.stderr.trim() }));
  const newline = fact.stdout.indexOf("\n");
  const status = newline < 0 ? fact.stdout : fact.stdout.slice(0, newline);
  const body = newline < 0 ? "" : fact.stdout.slice(newline + 1);
  if (!/^[1-5]\d\d$/.test(status)) throw new StepError(t("step.httpNoResponse", { what, why: fact.stderr.trim() || t("step.curlNothing") }));
  const expected = statusesOf(p);
  if (!expected.includes(Number(status))) throw new StepError(t("step.httpStatus", { what, expected: expected.join(t("step.httpOr")), status, body: snippet(body) }));
  if (p.body_contains !== undefined && !body.includes(p.body_contains))
    throw new StepError(t("step.httpBody", { what, status, text: JSON.stringify(p.body_contains), body: snippet(body) }));
  return `${what}: ${status}`;
}

function snippet(body: string): string {
  return body.slice(0, 200).replace(/\s+/g, " ").trim();
}
