import { StepError } from "../errors.js";
import { planGuarded, type Verdict } from "./guard.js";
import { shellQuote } from "./shell-quote.js";
import { maskSecrets, optionValue } from "./sql-secrets.js";
import type { Facts, StepType } from "./types.js";
import { t } from "../i18n/t.js";

export interface SqlLogin {
  user?: string;
  password?: string;
  host?: string;
  port?: number | string;
  socket?: string;
  database?: string;
}

export interface SqlParams {
  query: string;
  unless?: string;
  only_if?: string;
  login?: SqlLogin;
  mysql?: string;
}

/**
 * Runs as `sh -c SCRIPT MYSQL --user=… [-e QUERY]`. Stdin starts with a `[client]` option file ended by a
 * blank line: the script copies it into a private temp file (`read` takes no byte past its line), so the
 * password never reaches argv; the rest of stdin is the SQL. The script holds no single quote. The client
 * speaks utf8mb4 (the 5.5/5.7 clients BlueKing ships default to latin1 or utf8, which mangle 4-byte text).
 */
const SCRIPT =
  'f=$(mktemp) || exit 125; trap "rm -f $f" EXIT; ' +
  'while IFS= read -r l && [ -n "$l" ]; do printf "%s\\n" "$l"; done >"$f"; ' +
  '"$0" --defaults-extra-file="$f" --default-character-set=utf8mb4 -N -B "$@"';

const text = (description: string): Record<string, unknown> => ({ type: "string", minLength: 1, description });

export const sql: StepType<SqlParams> = {
  name: "sql",
  summary: "Run SQL through the host's mysql client, guarded by unless/only_if queries; the password never reaches argv",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["query"],
    properties: {
      query: text("SQL statements, sent on stdin (so `IDENTIFIED BY '…'` never reaches argv); shown with passwords masked"),
      unless: text("Read-only probe query (run in check mode too): skip when it returns at least one row"),
      only_if: text("Read-only probe query (run in check mode too): run only when it returns at least one row"),
      login: {
        type: "object",
        additionalProperties: false,
        description: "Connection; omitted fields come from the client's defaults (e.g. ~/.my.cnf)",
        properties: {
          user: text("MySQL user"),
          password: { type: "string", description: "Secret: passed in an option file on stdin, masked in output" },
          host: text("Server host"),
          port: { description: "Server port", anyOf: [{ type: "integer", minimum: 1, maximum: 65535 }, { type: "string", pattern: "^[0-9]{1,5}$" }] },
          socket: text("Unix socket path"),
          database: text("Default database"),
        },
      },
      mysql: text('Client binary (default "mysql")'),
    },
  },
  probes(p) {
    return [p.unless, p.only_if].flatMap((q) => (q === undefined ? [] : [{ kind: "command" as const, command: mysqlCommand(p, q), stdin: optionFile(p) }]));
  },
  plan(p, facts) {
    const password = p.login?.password;
    const display = `-- ${[p.mysql ?? "mysql", ...loginArgs(p)].join(" ")}\n${maskSecrets(p.query, password)}`;
    return planGuarded(verdicts(p, facts), "no unless/only_if: always runs", (reason) => ({
      kind: "run",
      command: mysqlCommand(p),
      reason,
      stdin: `${optionFile(p)}${p.query}`,
      display,
    }));
  },
};

function verdicts(p: SqlParams, facts: Facts): Verdict[] {
  const out: Verdict[] = [];
  for (const [guard, query, runWhenRows] of [["unless", p.unless, false], ["only_if", p.only_if, true]] as const) {
    if (query === undefined) continue;
    const fact = facts.command(mysqlCommand(p, query));
    const shown = maskSecrets(query, p.login?.password);
    // The client's own words lead: the query is long, and the cause (e.g. no socket) is not in it.
    const cause = maskSecrets(fact.stderr.trim(), p.login?.password) || `exit ${fact.exitCode}`;
    if (fact.exitCode !== 0) throw new StepError(t("step.sqlFailed", { cause, guard, code: fact.exitCode, query: shown }));
    const rows = fact.stdout.split("\n").length - 1;
    out.push({ run: (rows > 0) === runWhenRows, reason: t("step.sqlRows", { guard, query: shown, rows: rows === 0 ? t("step.noRows") : t(rows === 1 ? "step.rows.one" : "step.rows.many", { n: rows }) }) });
  }
  return out;
}

/** Non-secret connection settings stay in argv so identical probes with different targets stay distinct. */
function loginArgs(p: SqlParams): string[] {
  const l = p.login ?? {};
  const flags: [string, string | number | undefined][] = [["user", l.user], ["host", l.host], ["port", l.port], ["socket", l.socket], ["database", l.database]];
  return flags.flatMap(([name, value]) => (value === undefined ? [] : [`--${name}=${String(value)}`]));
}

/** With `query`, a probe (`-e`: the command must name its query to be told apart); without, SQL comes on stdin. */
function mysqlCommand(p: SqlParams, query?: string): string {
  const args = ["sh", "-c", SCRIPT, p.mysql ?? "mysql", ...loginArgs(p), ...(query === undefined ? [] : ["-e", query])];
  return args.map(shellQuote).join(" ");
}

/** The `[client]` option file and the blank line that ends it. */
function optionFile(p: SqlParams): string {
  const password = p.login?.password;
  return `[client]\n${password === undefined ? "" : `password=${optionValue(password)}\n`}\n`;
}
