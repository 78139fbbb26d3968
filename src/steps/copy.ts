import { createHash } from "node:crypto";
import { StepError } from "../errors.js";
import { attrProperties, attrsToFix, wantedAttrs, type AttrParams } from "./file-attrs.js";
import { beforeSha256, resolveLocal, srcSchema } from "./upload.js";
import type { Facts, FileAttrs, StepPlan, StepType } from "./types.js";
import { t } from "../i18n/t.js";

export interface CopyParams extends AttrParams {
  src?: string;
  /** A file on another host of the inventory (`path` rendered for that host). */
  from?: { host: string; path: string };
  dest: string;
}

export const copy: StepType<CopyParams> = {
  name: "copy",
  summary: "Copy a local file (src) or a file on another host (from) to the host when its content differs, and set mode, owner and group",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["dest"],
    oneOf: [{ required: ["src"] }, { required: ["from"] }],
    properties: {
      src: srcSchema,
      from: {
        type: "object",
        additionalProperties: false,
        required: ["host", "path"],
        description:
          "Instead of src: a text file on another host of the inventory, read in that host's own probe (even when --limit leaves it out). `path` is rendered for that host (its variables and generation), and that host must be of the same generation as this one. The diff is exact; a plan records the file's sha256 and apply refuses it changed since.",
        properties: {
          host: { type: "string", minLength: 1, description: "The inventory name of the host holding the file" },
          path: { type: "string", minLength: 1, description: "Absolute path of the file on that host" },
        },
      },
      dest: { type: "string", minLength: 1, description: "Absolute destination file path on the host (not a directory)" },
      ...attrProperties,
    },
  },
  remoteFiles: ["from"],
  probes(p) {
    // A copy from a host is a text edit: the current content is read for the diff.
    return [{ kind: p.from ? "file" : "stat", path: p.dest }];
  },
  plan(p, facts, ctx) {
    const want = wantedAttrs(p.mode, p.owner, p.group);
    if (p.from) return copyFromHost(p.from, p.dest, facts, want);
    const local = resolveLocal(p.src ?? "", ctx);
    const sha256 = ctx.localSha256(local);
    const stat = facts.stat(p.dest);
    notADirectory(p.dest, stat);
    if (!stat.exists || stat.sha256 !== sha256) {
      return { changes: [{ kind: "upload", local, path: p.dest, sha256, beforeSha256: beforeSha256(stat), ...want }] };
    }
    const fix = attrsToFix(stat, want);
    return { changes: fix ? [{ kind: "attrs", path: p.dest, ...fix }] : [] };
  },
};

function notADirectory(dest: string, stat: { exists: boolean; type?: string }): void {
  if (stat.exists && stat.type !== "file") throw new StepError(t("step.notRegularDest", { path: dest }));
}

/** The other host's file as this host's new content: a text write (an exact diff), recording what it was taken from. */
function copyFromHost(from: { host: string; path: string }, dest: string, facts: Facts, want: FileAttrs): StepPlan {
  const where = `${from.host}:${from.path}`;
  const source = facts.remoteFile(from.host, from.path);
  if (!source.exists) throw new StepError(t("copy.missing", { where }));
  if (source.type !== "file" || source.content === undefined || source.sha256 === undefined) throw new StepError(t("copy.notRegular", { where }));
  // The content travels as text: bytes that are not UTF-8 would not arrive as they are.
  if (createHash("sha256").update(source.content).digest("hex") !== source.sha256) throw new StepError(`${where} is not UTF-8 text; copy from another host takes text files only`);
  const current = facts.file(dest);
  notADirectory(dest, current);
  if (!current.exists || current.content !== source.content) {
    const attrs = current.exists ? (attrsToFix(current, want) ?? {}) : want;
    return {
      changes: [{ kind: "write-file", path: current.realPath ?? dest, beforeSha256: beforeSha256(current), content: source.content, source: { host: from.host, path: from.path, sha256: source.sha256 }, ...attrs }],
      messages: [`as on ${where}`],
    };
  }
  const fix = attrsToFix(current, want);
  return { changes: fix ? [{ kind: "attrs", path: dest, ...fix }] : [] };
}
