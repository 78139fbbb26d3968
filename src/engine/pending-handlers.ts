/**
 * Handlers owed on a host: files changed but a notified handler failed or never ran (the host failed
 * later, Ctrl-C, a lost connection). The apply script appends a line when a change that notifies a handler
 * is in place and removes it when the handler succeeds; the next run of the playbook runs what is owed.
 * Line: `<run id> <base64 playbook> <base64 handler>`.
 */
export interface Pending {
  runId: string;
  handler: string;
}

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");
const unb64 = (s: string): string => Buffer.from(s, "base64").toString("utf8");

/** The file, in the host's state directory. */
export const pendingFile = (stateDir: string): string => `${stateDir}/pending`;

/** The owed handlers of this playbook, oldest run first, each handler once. */
export function readPending(content: string | undefined, playbook: string): Pending[] {
  const out = new Map<string, Pending>();
  for (const line of (content ?? "").split("\n")) {
    const [runId, pb, handler] = line.split(" ");
    if (!runId || !pb || !handler || unb64(pb) !== playbook) continue;
    const name = unb64(handler);
    if (!out.has(name)) out.set(name, { runId, handler: name });
  }
  return [...out.values()];
}

/** The line the apply script writes (and removes) for one handler. */
export const pendingKey = (playbook: string, handler: string): string => `${b64(playbook)} ${b64(handler)}`;
