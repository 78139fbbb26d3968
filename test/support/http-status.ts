import { get } from "node:http";

/**
 * The status a sandbox nginx answers for `path` (as `host`; 0: no answer within 3 s), once nginx closed the
 * connection: it logs a request before it closes, so a snapshot of the host's files taken afterwards holds that line.
 */
export function statusOf(port: number, path: string, host = "paas.bk.com"): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: "127.0.0.1", port, path, agent: false, headers: { Host: host, Connection: "close" }, timeout: 3000 }, (res) => {
      res.resume();
      res.socket.once("close", () => { resolve(res.statusCode ?? 0); });
    });
    req.on("timeout", () => { req.destroy(); });
    req.on("error", () => { resolve(0); });
  });
}
