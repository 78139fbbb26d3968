import { StepError } from "../errors.js";
import { attrProperties, attrsToFix, modeSchema, wantedAttrs, type AttrParams, type ModeParam } from "./file-attrs.js";
import type { Change, FileAttrs, Facts, Probe, StatFact, StepType, TreeEntry } from "./types.js";
import { t } from "../i18n/t.js";

export interface FileParams extends AttrParams {
  path: string;
  state?: "file" | "directory" | "absent" | "touch";
  recurse?: boolean;
  dir_mode?: ModeParam;
  file_mode?: ModeParam;
}

export const file: StepType<FileParams> = {
  name: "file",
  summary: "Ensure a file or directory exists (or not) with the given mode, owner and group, optionally recursively",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["path"],
    properties: {
      path: { type: "string", minLength: 1, description: "Absolute path on the host" },
      state: {
        enum: ["file", "directory", "absent", "touch"],
        description:
          "file (default): must already exist, only attributes are fixed; touch: create empty when missing; directory: create when missing (with parents); absent: remove (recursively)",
      },
      ...attrProperties,
      recurse: { type: "boolean", description: "With state directory: also fix owner/group/dir_mode/file_mode of everything below (symlinks untouched)" },
      dir_mode: modeSchema("With recurse: permission bits of directories below path (and of path itself when mode is not given)"),
      file_mode: modeSchema("With recurse: permission bits of regular files below path"),
    },
  },
  probes(p) {
    const probes: Probe[] = [{ kind: "stat", path: p.path }];
    if (p.recurse === true) probes.push({ kind: "tree", path: p.path });
    return probes;
  },
  plan(p, facts) {
    checkCombination(p);
    const stat = facts.stat(p.path);
    const state = p.state ?? "file";
    if (state === "absent") return { changes: stat.exists || stat.isLink === true ? [{ kind: "remove", path: p.path }] : [] };
    const want = wantedAttrs(p.mode ?? (p.recurse === true ? p.dir_mode : undefined), p.owner, p.group);
    if (!stat.exists) {
      if (state === "file") throw new StepError(t("step.touchMissing", { path: p.path }));
      const create: Change = state === "touch" ? { kind: "write-file", path: p.path, beforeSha256: null, content: "", ...want } : { kind: "mkdir", path: p.path, ...want };
      return { changes: [create] };
    }
    const wantType = state === "directory" ? "dir" : "file";
    if (stat.type !== wantType) throw new StepError(t("step.wrongType", { path: p.path, actual: describeType(stat), expected: t(state === "directory" ? "step.aDirectory" : "step.aRegularFile") }));
    const changes: Change[] = [];
    const fix = attrsToFix(stat, want);
    if (fix) changes.push({ kind: "attrs", path: p.path, ...fix });
    if (p.recurse === true) changes.push(...planTree(p, facts));
    return { changes };
  },
};

/** Recursive options only mean something for a directory walk; refuse them elsewhere rather than ignore a typo. */
function checkCombination(p: FileParams): void {
  const recursive = p.dir_mode !== undefined || p.file_mode !== undefined;
  if (recursive && p.recurse !== true) throw new StepError(t("step.modesNeedRecurse"));
  if (p.recurse === true && p.state !== "directory") throw new StepError(t("step.recurseNeedsDir"));
  if (p.state === "absent" && (p.mode !== undefined || p.owner !== undefined || p.group !== undefined))
    throw new StepError(t("step.attrsWithAbsent"));
}

function planTree(p: FileParams, facts: Facts): Change[] {
  const entries = facts.tree(p.path);
  if (!entries) throw new StepError(t("step.cannotList", { path: p.path }));
  const base = p.path.replace(/\/+$/, "");
  const changes: Change[] = [];
  for (const entry of entries) {
    if (entry.rel === "") continue;
    const fix = attrsToFix(entry, wantedFor(entry, p));
    if (fix) changes.push({ kind: "attrs", path: `${base}/${entry.rel}`, ...fix });
  }
  return changes;
}

/** Links are skipped (chmod/chown would reach their targets, possibly outside the tree); sockets etc. only change owner. */
function wantedFor(entry: TreeEntry, p: FileParams): FileAttrs {
  if (entry.type === "link") return {};
  const mode = entry.type === "dir" ? p.dir_mode : entry.type === "file" ? p.file_mode : undefined;
  return wantedAttrs(mode, p.owner, p.group);
}

function describeType(stat: StatFact): string {
  return t(stat.type === "dir" ? "step.aDirectory" : stat.type === "file" ? "step.aRegularFile" : "step.otherType");
}
