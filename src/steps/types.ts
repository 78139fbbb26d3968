import type { BkView, NodeView } from "../generations/host-layout.js";

/**
 * The step contract. A step never does I/O: it names what it must observe (probes), then turns the
 * observed facts into changes (plan). Check mode prints the changes; apply executes the same changes.
 */

/** What a step needs read on its host before planning. Identical probes from several steps are read once. */
export type Probe =
  /** Stat + full content of a file (following symlinks); for files bkplay edits. */
  | { kind: "file"; path: string }
  /** Stat (+ sha256 when a regular file) without content; for uploads, dirs, existence checks. */
  | { kind: "stat"; path: string }
  /** Every entry below a directory with type, mode, owner, group (for recursive permission fixes). */
  | { kind: "tree"; path: string }
  /** A read-only command; its exit code and output are data, not an error. */
  | { kind: "command"; command: string; stdin?: string };

export interface StatFact {
  path: string;
  exists: boolean;
  /** Type of the final target (symlinks are followed). */
  type?: "file" | "dir" | "other";
  /** The path itself is a symlink. */
  isLink?: boolean;
  /** Canonical path of the target (symlinks resolved). */
  realPath?: string;
  /** Permission bits, e.g. 0o644. */
  mode?: number;
  owner?: string;
  group?: string;
  size?: number;
  /** Hex sha256 of a regular file's content. */
  sha256?: string;
}

export interface FileFact extends StatFact {
  /** UTF-8 content of a regular file; undefined when missing or not a regular file. */
  content?: string;
}

export interface TreeEntry {
  /** Path relative to the tree root ("" is the root itself). */
  rel: string;
  type: "file" | "dir" | "link" | "other";
  mode: number;
  owner: string;
  group: string;
}

export interface CommandFact {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Read-only view of one host's observed state, as the previous steps of this run will have left it. */
export interface Facts {
  file(path: string): FileFact;
  stat(path: string): StatFact;
  tree(path: string): TreeEntry[] | undefined;
  command(command: string): CommandFact;
  /** A file read on another host for this one (see StepType.remoteFiles), as that host's probe found it. */
  remoteFile(host: string, path: string): FileFact;
}

export interface FileAttrs {
  mode?: number;
  owner?: string;
  group?: string;
}

/**
 * The closed set of changes. Serialisable to JSON (a plan file carries them). Every change knows what it
 * expects to find, so apply refuses when the host drifted since it was planned.
 */
export type Change =
  | ({
      kind: "write-file";
      path: string;
      /** sha256 of the content planned against; null when the file is created. */
      beforeSha256: string | null;
      content: string;
      /** Shell command run on the candidate before it replaces the live file; `%s` is the candidate's path. */
      validate?: string;
      /** The file on another host the content was taken from, as read (a plan records it: apply refuses it changed since). */
      source?: { host: string; path: string; sha256: string };
    } & FileAttrs)
  | ({ kind: "upload"; local: string; path: string; sha256: string; beforeSha256: string | null } & FileAttrs)
  | { kind: "extract"; archive: string; dest: string; marker: string; sha256: string }
  | ({ kind: "mkdir"; path: string } & FileAttrs)
  | ({ kind: "attrs"; path: string } & FileAttrs)
  | { kind: "remove"; path: string }
  | {
      kind: "run";
      command: string;
      /** Why it runs, for the operator ("creates /x is missing", "unless `…` exited 1"). */
      reason: string;
      /** Fed to the command's stdin (secrets travel here, never in argv). */
      stdin?: string;
      /** What the operator sees instead of `command`+`stdin` (e.g. the SQL, secrets masked). */
      display?: string;
    };

/** A planned step's outcome. `unknown` means check mode cannot predict it (e.g. a command with no probe). */
export interface StepPlan {
  changes: Change[];
  /** Short human reasons for `ok` with nothing to do, or for a failure. */
  messages?: string[];
  /** The step's effect cannot be predicted before it runs (check mode says "would run, outcome unknown"). */
  unknown?: boolean;
}

export interface StepContext {
  /** The host's BlueKing generation and its node-side paths, when the playbook needs the generation. */
  node?: NodeView;
  /** Where the host's PaaS tree keeps things (absent on a generation without one: ce7). */
  bk?: BkView;
  /** Local directory of the playbook, for resolving `src:` paths of uploads. */
  playbookDir: string;
  /** Local file access for uploads (sha256 of a local file or packed directory). */
  localSha256(path: string): string;
}

export interface StepType<P = Record<string, unknown>> {
  /** The key that selects this step type in a playbook, e.g. `py_assign`. */
  name: string;
  /** One-line description for docs and `bkplay list`. */
  summary: string;
  /** JSON Schema fragment for the step's parameters (closed: additionalProperties false). */
  schema: Record<string, unknown>;
  /** The step reads the host's generation (ctx.bk): the host must have one, detected or pinned. */
  needsGeneration?: boolean;
  /** Local files it uploads that must be an archive (or a directory of Python packages): checked before any host is contacted. */
  archiveSources?(params: P): { param: string; src: string }[];
  /** The step only reads (it never plans a change): it may stand in `verify:`. */
  readOnly?: boolean;
  /** The regular expressions among its parameters (checked when the playbook loads, and again once rendered). */
  regexps?(params: P): { param: string; source: unknown; flags?: unknown }[];
  /**
   * Parameters of the form `{ host, path }` naming a file on another host of the inventory: `host` is rendered for
   * this host, `path` for that one (its variables and generation: `{{bk.login_settings}}` is where *it* keeps the
   * file). The engine reads the file in that host's own probe round trip (a host outside --limit too) and the step
   * sees it through `facts.remoteFile(host, path)`, `path` rendered.
   */
  remoteFiles?: readonly string[];
  /** Names of string parameters that end up in a shell command (warn when templated without `quote`). */
  shellParams?: readonly string[];
  /**
   * Parameters where what `{{…}}` interpolates must land literally: the escape applied to each interpolated
   * value (the playbook's own text is kept), e.g. `$` → `$$` in a replacement.
   */
  literalParams?: Readonly<Record<string, (value: string) => string>>;
  probes(params: P, ctx: StepContext): Probe[];
  /** Pure. Throws StepError when the step cannot be planned (e.g. `expect: 1` but 0 matches). */
  plan(params: P, facts: Facts, ctx: StepContext): StepPlan;
}
