import { connect } from "node:net";

/**
 * The status a sandbox nginx answers for `path` (as `host`; 0: no answer within 3 s). HTTP/1.0 on a fresh
 * connection, read until nginx closes it: nginx logs a request before it closes the connection, so a snapshot of the
 * host's files taken afterwards holds that log line (a client closing first would not know).
 */
export function statusOf(port: number, path: string, host = "paas.bk.com"): Promise<number> {
  return new Promise((resolve) => {
    let text = "";
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(`GET ${path} HTTP/1.0\r\nHost: ${host}\r\n\r\n`));
    socket.setTimeout(3000, () => socket.destroy());
    socket.on("data", (d: Buffer) => (text += d.toString()));
    socket.on("error", () => undefined);
    socket.on("close", () => { resolve(Number(/^HTTP\/1\.\d (\d{3})/.exec(text)?.[1] ?? 0)); });
  });
}
