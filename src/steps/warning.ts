/** Step messages that start with this are warnings: the reports show them, not only `--json`. */
const PREFIX = "warning: ";

/** A step message the operator should read even when the step succeeded. */
export function warning(text: string): string {
  return `${PREFIX}${text}`;
}

/** The text of a warning message; undefined for an informational one. */
export function warningText(message: string): string | undefined {
  return message.startsWith(PREFIX) ? message.slice(PREFIX.length) : undefined;
}
