import type { FileAttrs } from "./types.js";

/** A mode is an integer (YAML `0o644`) or an octal string (`"0644"`); YAML 1.2 reads a bare `0644` as decimal 644. */
export function modeSchema(description: string): Record<string, unknown> {
  return {
    description: `${description}: an octal string like "0644", or an integer written 0o644`,
    anyOf: [
      { type: "integer", minimum: 0, maximum: 0o7777 },
      { type: "string", pattern: "^0?[0-7]{3,4}$" },
    ],
  };
}

export type ModeParam = number | string;

export interface AttrParams {
  mode?: ModeParam;
  owner?: string;
  group?: string;
}

/** Schema properties shared by every step that sets a file's mode, owner and group. */
export const attrProperties = {
  mode: modeSchema("Permission bits"),
  owner: { type: "string", minLength: 1, description: "Owning user (name or uid)" },
  group: { type: "string", minLength: 1, description: "Owning group (name or gid)" },
} as const;

export function parseMode(mode: ModeParam): number {
  return typeof mode === "number" ? mode : parseInt(mode, 8);
}

/** The attributes a step asks for, with a parsed mode (`mode` may come from e.g. `dir_mode`). */
export function wantedAttrs(mode: ModeParam | undefined, owner: string | undefined, group: string | undefined): FileAttrs {
  const want: FileAttrs = {};
  if (mode !== undefined) want.mode = parseMode(mode);
  if (owner !== undefined) want.owner = owner;
  if (group !== undefined) want.group = group;
  return want;
}

/** The wanted attributes that differ from the current ones; undefined when all already match. */
export function attrsToFix(current: FileAttrs, want: FileAttrs): FileAttrs | undefined {
  const fix: FileAttrs = {};
  if (want.mode !== undefined && want.mode !== current.mode) fix.mode = want.mode;
  if (want.owner !== undefined && want.owner !== current.owner) fix.owner = want.owner;
  if (want.group !== undefined && want.group !== current.group) fix.group = want.group;
  return Object.keys(fix).length > 0 ? fix : undefined;
}

