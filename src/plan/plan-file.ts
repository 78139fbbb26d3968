import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { operatorId } from "../who.js";
import { InputError, type Problem, type SourceLocation } from "../errors.js";
import type { PlannedHost } from "../engine/host-session.js";
import type { RunReport, StepResult } from "../engine/results.js";
import { reviewPatch } from "../report/diffs.js";
import { redactDeep, type Redactor } from "../report/redact.js";
import { compile, translate } from "../schema/check.js";
import { parseYamlText, type YamlSource } from "../source/yaml-file.js";
import type { Change } from "../steps/types.js";
import { PLAN_SCHEMA } from "./plan-schema.js";
import { hashSecret, sameSecret, type SecretHash } from "./secret-hashes.js";
import { hideSecrets } from "./secret-placeholders.js";
import { t } from "../i18n/t.js";

/** A change as a plan file holds it: a file's new content only as the sha256 of its bytes (secrets as placeholders). */
export type ReviewedChange = Exclude<Change, { kind: "write-file" }> | (Omit<Extract<Change, { kind: "write-file" }>, "content"> & { contentSha256: string });

/** A step's result as a plan file holds it: its diffs masked, as unified hunks; no file content. */
export type ReviewedStep = Omit<StepResult, "changes" | "diffs"> & { changes: ReviewedChange[]; diffs: { path: string; patch: string }[] };

export interface ReviewedHost {
  status: string;
  error?: string;
  changes?: ReviewedChange[];
  owners?: PlannedHost["owners"];
  notifies?: PlannedHost["notifies"];
  steps?: ReviewedStep[];
}

/**
 * A reviewed change, serialised (format `bkplay-plan`, version 2):
 * - `playbook` {name, file, sha256}, `inventory` {file, sha256}, `limit`: what was planned and against what;
 * - `vars`: the variables given (-e, --vars-file, the environment), secrets left out; `secretVars`: their names
 *   (apply asks again), `secretHashes`: per name a salted scrypt hash of the value planned with (apply refuses another);
 * - `hosts`: per host the `status` at plan time and, when it has changes, `changes` (the closed change set:
 *   write-file carries `beforeSha256`, the sha256 of the content it was planned against, and `contentSha256`,
 *   that of the bytes to write), `owners` and `notifies` (which step and handlers each change belongs to) and
 *   `steps` (results, with their diffs masked).
 * No secret reaches a plan file: secret values appear as `«secret:NAME»`, values of secret-looking keys of the edited
 * files are masked in the diffs, file contents are only hashed, and a command's stdin is never recorded. `apply`
 * recomputes the bytes from the host's current file and the playbook and writes them only when their hash is the one
 * reviewed.
 */
export interface PlanFile {
  format: "bkplay-plan";
  version: 2;
  runId: string;
  createdAt: string;
  createdBy: string;
  playbook: { name: string; file: string; sha256: string };
  inventory: { file: string; sha256: string };
  limit: string | null;
  vars: Record<string, unknown>;
  secretVars: string[];
  /** Absent from plans made before it was recorded: those are refused when they have secretVars. */
  secretHashes?: Record<string, SecretHash>;
  hosts: Record<string, ReviewedHost>;
}

/** A plan file read back, with where each of its values is written (for located errors). */
export interface ReadPlan {
  file: string;
  plan: PlanFile;
  locate: (path: readonly (string | number)[]) => SourceLocation;
}

const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

export const sha256File = (file: string): string => sha256(readFileSync(file));

/** The comparable form of a change list: secrets as placeholders, a file's content as its hash, stdin dropped. */
export function comparable(changes: readonly Change[], secrets: Readonly<Record<string, string>>): ReviewedChange[] {
  return hideSecrets(changes.map((c) => (c.kind === "run" ? withoutStdin(c) : c)), secrets).map(hashContent);
}

function hashContent(c: Change): ReviewedChange {
  if (c.kind !== "write-file") return c;
  const { content, ...rest } = c;
  return { ...rest, contentSha256: sha256(content) };
}

function withoutStdin(c: Extract<Change, { kind: "run" }>): Change {
  const { stdin: _stdin, ...rest } = c;
  return rest;
}

function reviewedSteps(steps: readonly StepResult[], secrets: Readonly<Record<string, string>>, redact: Redactor): ReviewedStep[] {
  return steps.map((s) => {
    const { changes, diffs, ...rest } = hideSecrets(s, secrets);
    const text = redactDeep(rest, redact);
    const patches = diffs.map((d) => ({ path: d.path, patch: reviewPatch(d, redact) }));
    return { ...text, changes: changes.map(hashContent), diffs: patches };
  });
}

export function buildPlanFile(
  report: RunReport,
  plans: ReadonlyMap<string, PlannedHost>,
  input: { playbookFile: string; inventoryFile: string; limit?: string; vars: Record<string, unknown>; secrets: Record<string, string>; secretNames: string[]; redact: Redactor },
): PlanFile {
  const hosts: PlanFile["hosts"] = {};
  for (const h of report.hosts) {
    const plan = plans.get(h.host);
    const entry: ReviewedHost = { status: h.status, ...(h.error ? { error: input.redact(hideSecrets(h.error, input.secrets)) } : {}) };
    if (plan && plan.changes.length > 0) {
      Object.assign(entry, { changes: comparable(plan.changes, input.secrets), owners: plan.owners, notifies: plan.notifies, steps: reviewedSteps(plan.steps, input.secrets, input.redact) });
    }
    hosts[h.host] = entry;
  }
  const secretVars = input.secretNames.filter((k) => k in input.vars);
  return {
    format: "bkplay-plan",
    version: 2,
    runId: report.runId,
    createdAt: report.startedAt,
    createdBy: operatorId(),
    playbook: { name: report.playbook, file: input.playbookFile, sha256: report.playbookSha256 },
    inventory: { file: input.inventoryFile, sha256: sha256File(input.inventoryFile) },
    limit: input.limit ?? null,
    vars: Object.fromEntries(Object.entries(input.vars).filter(([k]) => !input.secretNames.includes(k))),
    // Only secrets the operator gave are asked for again; a secret's default is rendered again at apply.
    secretVars,
    secretHashes: Object.fromEntries(secretVars.flatMap((k) => (input.secrets[k] === undefined ? [] : [[k, hashSecret(input.secrets[k])]]))),
    hosts,
  };
}

/**
 * Each secret the plan was made with must be given again with the same value (compared with its salted hash),
 * checked before any host is contacted. `how` says how to give a secret again.
 */
export function checkSecretsAgainst({ plan, locate }: ReadPlan, secrets: Readonly<Record<string, string>>, how: (name: string) => string): void {
  const problems: Problem[] = [];
  for (const name of plan.secretVars) {
    const hash = plan.secretHashes?.[name];
    const value = secrets[name];
    if (hash === undefined) problems.push({ message: t("plan.noSecretHash", { name }), location: locate(["secretVars"]), path: "secretVars" });
    else if (value === undefined || !sameSecret(hash, value)) problems.push({ message: t("plan.secretDiffers", { name, how: how(name) }), location: locate(["secretHashes", name]), path: `secretHashes.${name}` });
  }
  if (problems.length > 0) throw new InputError(problems);
}

export function writePlanFile(file: string, plan: PlanFile): void {
  writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
}

/** Read and check a plan file: any problem is bad input, located in the file (`file:line:col`). */
export function readPlanFile(file: string): ReadPlan {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(t("plan.cannotRead", { file, code: (err as NodeJS.ErrnoException).code ?? String(err) }), { cause: err });
  }
  const data = parseJson(file, text);
  let source: YamlSource | undefined;
  // JSON is YAML: its parser knows where every value is written; only needed when something is wrong.
  const sourceOf = (): YamlSource => {
    try {
      source ??= parseYamlText(file, text);
    } catch {
      const start = { file, line: 1, col: 1 };
      source = { file, data, locate: () => start, locateKey: () => start };
    }
    return source;
  };
  const locate = (path: readonly (string | number)[]): SourceLocation => sourceOf().locate(path);
  const at = (path: (string | number)[], message: string): InputError => new InputError({ message, location: locate(path), ...(path.length > 0 ? { path: path.join(".") } : {}) });
  const p = data as Partial<PlanFile> | null;
  if (typeof p !== "object" || p === null || Array.isArray(p) || p.format !== "bkplay-plan") throw at(p !== null && typeof p === "object" && "format" in p ? ["format"] : [], 'not a bkplay plan file (no "format": "bkplay-plan")');
  if (p.version !== 2) throw at(["version"], `plan format version ${JSON.stringify(p.version)} is not supported (this bkplay reads version 2): make a new plan and have it reviewed`);
  const validate = compile(PLAN_SCHEMA);
  if (!validate(data)) {
    const problems: Problem[] = translate(validate.errors ?? [], sourceOf(), []).map((q) => ({ ...q, message: t("plan.fileProblem", { message: q.message }) }));
    throw new InputError(problems);
  }
  return { file, plan: data as PlanFile, locate };
}

/** JSON.parse, with a syntax error located at its line and column. */
function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const offset = Number(/at position (\d+)/.exec(message)?.[1] ?? 0);
    const before = text.slice(0, offset).split("\n");
    const location = { file, line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
    throw new InputError({ message: t("plan.notReadable", { reason: message.replace(/ in JSON at position \d+.*$/, "") }), location }, { cause: err });
  }
}
