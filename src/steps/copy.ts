import { StepError } from "../errors.js";
import { attrProperties, attrsToFix, wantedAttrs, type AttrParams } from "./file-attrs.js";
import { beforeSha256, resolveLocal, srcSchema } from "./upload.js";
import type { StepType } from "./types.js";

export interface CopyParams extends AttrParams {
  src: string;
  dest: string;
}

export const copy: StepType<CopyParams> = {
  name: "copy",
  summary: "Upload a local file to the host when its sha256 differs, and set mode, owner and group",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["src", "dest"],
    properties: {
      src: srcSchema,
      dest: { type: "string", minLength: 1, description: "Absolute destination file path on the host (not a directory)" },
      ...attrProperties,
    },
  },
  probes(p) {
    return [{ kind: "stat", path: p.dest }];
  },
  plan(p, facts, ctx) {
    const local = resolveLocal(p.src, ctx);
    const sha256 = ctx.localSha256(local);
    const stat = facts.stat(p.dest);
    const want = wantedAttrs(p.mode, p.owner, p.group);
    if (stat.exists && stat.type !== "file") throw new StepError(`${p.dest}: exists and is not a regular file (dest names the file itself)`);
    if (!stat.exists || stat.sha256 !== sha256) {
      return { changes: [{ kind: "upload", local, path: p.dest, sha256, beforeSha256: beforeSha256(stat), ...want }] };
    }
    const fix = attrsToFix(stat, want);
    return { changes: fix ? [{ kind: "attrs", path: p.dest, ...fix }] : [] };
  },
};
