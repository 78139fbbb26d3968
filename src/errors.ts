/** The one flat error hierarchy. The CLI's single catch maps each class to a message and an exit code. */

export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export interface Problem {
  message: string;
  location?: SourceLocation;
  /** Dotted key path inside the document, e.g. `plays.0.steps.2.replace.file`. */
  path?: string;
}

export function formatProblem(p: Problem): string {
  const where = p.location ? `${p.location.file}:${p.location.line}:${p.location.col}: ` : "";
  const at = p.path ? ` (at ${p.path})` : "";
  return `${where}${p.message}${at}`;
}

/** Bad input from the user (files, flags, variables). Exit 2; nothing was contacted. */
export class InputError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[] | Problem | string, options?: ErrorOptions) {
    const list = typeof problems === "string" ? [{ message: problems }] : Array.isArray(problems) ? problems : [problems];
    super(list.map(formatProblem).join("\n"), options);
    this.name = "InputError";
    this.problems = list;
  }
}

/** Remote state no longer matches what a plan recorded. Exit 3. */
export class DriftError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DriftError";
  }
}

/** A connection could not be made or was lost. Reported per host (unreachable). */
export class ConnectError extends Error {
  readonly host: string;
  constructor(host: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConnectError";
    this.host = host;
  }
}

/** A step could not be planned or applied on a host. Reported per host (failed). */
export class StepError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StepError";
  }
}

/** A bug in bkplay itself: printed with its stack and a request to report it. */
export class InternalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InternalError";
  }
}

export const EXIT = { ok: 0, hostFailed: 1, badInput: 2, drift: 3, internal: 70 } as const;
