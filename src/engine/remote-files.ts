import { StepError, type Problem } from "../errors.js";
import type { Generation } from "../generations/layouts.js";
import { renderDeep, TemplateError } from "../playbook/template.js";
import type { StepDef } from "../playbook/types.js";
import type { Change, FileFact, StepType } from "../steps/types.js";
import { remoteKey } from "./host-facts.js";
import type { HostWork, RenderedStep } from "./work.js";
import { t } from "../i18n/t.js";

/** A file on another host that a step reads (StepType.remoteFiles): `path` is a template, rendered for `host`. */
export interface RemoteFile {
  param: string;
  host: string;
  path: string;
}

const isRemote = (v: unknown): v is { host: string; path: string } =>
  typeof v === "object" && v !== null && typeof (v as { host?: unknown }).host === "string" && typeof (v as { path?: unknown }).path === "string";

/** A step's params rendered for its own host, each remote file's `path` kept as written (it is rendered for its host). */
export function renderForHost(type: StepType, params: Record<string, unknown>, render: (p: Record<string, unknown>) => Record<string, unknown>): Record<string, unknown> {
  const deferred = (type.remoteFiles ?? []).flatMap((param) => {
    const v = params[param];
    return isRemote(v) ? [[param, v] as const] : [];
  });
  const out = render({ ...params, ...Object.fromEntries(deferred.map(([param, v]) => [param, { ...v, path: "" }])) });
  for (const [param, v] of deferred) out[param] = { ...(out[param] as object), path: v.path };
  return out;
}

/**
 * Each remote file the works' steps name joins its host's probes, rendered for every generation that host may be
 * (`workOf` gives the host's work, adding a read-only one for a host outside the selection). A path that cannot be
 * rendered for any generation its host may be is a problem (one that names PaaS paths renders for no bkce 7.x node;
 * a source found to be one is refused when the step is planned).
 */
export function addSourceReads(works: readonly HostWork[], workOf: (host: string) => HostWork | undefined): Problem[] {
  const wanted = new Map<string, RemoteFile & { def: StepDef }>();
  for (const w of works) {
    for (const v of w.candidates?.variants ?? [w]) {
      for (const s of [...v.steps, ...v.handlers]) for (const r of remoteFilesOf(s)) wanted.set(remoteKey(r.host, r.path), { ...r, def: s.def });
    }
  }
  const problems: Problem[] = [];
  for (const { host, path, param, def } of wanted.values()) {
    const source = workOf(host);
    if (!source) continue;
    const failed: Problem[] = [];
    const variants = source.candidates ? source.candidates.variants.filter((c) => c.problems.length === 0) : [source];
    for (const v of variants) {
      try {
        source.extraProbes.push({ kind: "file", path: String(renderDeep(path, v.context, [...def.path, def.type, param, "path"])) });
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        failed.push({ message: `host ${host}: ${err.message}`, location: def.location, path: err.path.join(".") });
      }
    }
    if (failed.length === variants.length) problems.push(...failed.slice(0, 1));
  }
  return problems;
}

export function remoteFilesOf(step: Pick<RenderedStep, "type" | "params">): RemoteFile[] {
  return (step.type.remoteFiles ?? []).flatMap((param) => {
    const v = step.params[param];
    return isRemote(v) ? [{ param, host: v.host, path: v.path }] : [];
  });
}

/** A host as its probe found it, for the steps of other hosts that read files on it. */
export interface SourceHost {
  generation: Generation | null;
  /** Its template context, of the generation found. */
  context: Record<string, unknown>;
  /** Why it could not be read (unreachable, no generation…); undefined when it was. */
  error?: string;
  file(path: string): FileFact;
}

export type SourceHosts = ReadonlyMap<string, SourceHost>;

/**
 * A step's remote files as read on their hosts: its params with each `path` rendered for its host, and the files by
 * remoteKey. A source host that could not be read, or of another generation than this host, fails the step.
 */
export function readRemote(step: Pick<RenderedStep, "type" | "params">, generation: Generation | null, sources: SourceHosts | undefined): { params: Record<string, unknown>; files: Map<string, FileFact> } {
  const params = { ...step.params };
  const files = new Map<string, FileFact>();
  for (const r of remoteFilesOf(step)) {
    const source = sources?.get(r.host);
    if (!source) throw new StepError(t("remote.notRead", { host: r.host }));
    if (source.error !== undefined) throw new StepError(t("remote.cannotRead", { host: r.host, why: source.error }));
    if (generation !== null && source.generation !== null && source.generation !== generation) {
      throw new StepError(t("remote.otherGeneration", { host: r.host, source: source.generation, target: generation }));
    }
    let path: string;
    try {
      path = String(renderDeep(r.path, source.context));
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      throw new StepError(t("remote.badPath", { param: r.param, host: r.host, reason: err.message }));
    }
    params[r.param] = { ...(params[r.param] as object), path };
    files.set(remoteKey(r.host, path), source.file(path));
  }
  return { params, files };
}

/** The file a change was copied from, when that file is itself changed by the same run on its host (it would be copied stale). */
export function changedSource(c: Change, planOf: (host: string) => readonly Change[] | undefined, realPathOf: (host: string, path: string) => string): string | null {
  if (c.kind !== "write-file" || !c.source) return null;
  const { host, path } = c.source;
  const real = realPathOf(host, path);
  const touched = (planOf(host) ?? []).some((x) => (x.kind === "write-file" || x.kind === "upload" || x.kind === "remove") && (x.path === real || x.path === path));
  return touched ? t("remote.changedByRun", { host, path }) : null;
}
