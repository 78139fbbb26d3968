import { StepError } from "../errors.js";
import { beforeSha256, resolveLocal, srcSchema } from "./upload.js";
import type { Change, StepType } from "./types.js";
import { t } from "../i18n/t.js";

export interface UnarchiveParams {
  src: string;
  dest: string;
  marker?: string;
}

const markerOf = (p: UnarchiveParams): string => p.marker ?? `${p.dest}/.bkplay-archive.sha256`;
const archiveOf = (p: UnarchiveParams): string => `${p.dest}/.bkplay-archive.tar.gz`;

export const unarchive: StepType<UnarchiveParams> = {
  name: "unarchive",
  summary: "Upload a local .tar.gz/.tgz (or a directory of Python wheels/sdists) and extract it into a directory, once per archive content",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["src", "dest"],
    properties: {
      src: { ...srcSchema, description: `${srcSchema.description}: a .tar.gz/.tgz archive, or a directory of Python wheels/sdists that bkplay packs (nothing else is uploaded)` },
      dest: { type: "string", minLength: 1, description: "Directory on the host to extract into (created when missing)" },
      marker: {
        type: "string",
        minLength: 1,
        description: "File recording the sha256 of the last extracted archive (default <dest>/.bkplay-archive.sha256)",
      },
    },
  },
  archiveSources: (p) => [{ param: "src", src: p.src }],
  probes(p) {
    return [
      { kind: "stat", path: p.dest },
      { kind: "file", path: markerOf(p) },
      { kind: "stat", path: archiveOf(p) },
    ];
  },
  plan(p, facts, ctx) {
    const local = resolveLocal(p.src, ctx);
    const sha256 = ctx.localSha256(local);
    const marker = markerOf(p);
    // The marker, not the extracted files, says what is there: files inside may legitimately be edited later.
    if (facts.file(marker).content?.trim() === sha256) return { changes: [] };
    const dest = facts.stat(p.dest);
    if (dest.exists && dest.type !== "dir") throw new StepError(t("step.notDir", { path: p.dest }));
    const archive = archiveOf(p);
    const changes: Change[] = dest.exists ? [] : [{ kind: "mkdir", path: p.dest }];
    changes.push(
      // A leftover archive from an interrupted run is overwritten, so the upload must expect it.
      { kind: "upload", local, path: archive, sha256, beforeSha256: beforeSha256(facts.stat(archive)) },
      { kind: "extract", archive, dest: p.dest, marker, sha256 },
    );
    return { changes };
  },
};
