import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { acceptsConnections } from "../ports.js";

/** Debian's python3: the stand-in HTTP servers are its standard library only. */
export const PYTHON3 = "/usr/bin/python3";

/**
 * An HTTP server run by python3: a PaaS host's healthz stand-in (its script and config written first), or the
 * fleet's pip index (`python3 -m http.server` over a folder).
 */
export interface PythonHttpSpec {
  kind: "healthz" | "pip-index";
  args: string[];
  /** Every port it listens on: it is up once all accept connections. */
  ports: number[];
  /** Written before it starts. */
  files: { path: string; content: string }[];
  /** Where its standard output and errors go. */
  log: string;
}

/** Starts it (its own process group) and waits until every port accepts connections. */
export async function startPythonHttp(spec: PythonHttpSpec, detached: boolean, timeoutMs = 15_000): Promise<number> {
  if (!existsSync(PYTHON3)) throw new Error(`the sandbox's ${spec.kind} server runs on ${PYTHON3}, which is missing: install the Debian package python3`);
  for (const f of spec.files) {
    await mkdir(dirname(f.path), { recursive: true });
    await writeFile(f.path, f.content);
  }
  await mkdir(dirname(spec.log), { recursive: true });
  const log = await open(spec.log, "a");
  let child: ChildProcess;
  try {
    child = spawn(PYTHON3, spec.args, { stdio: ["ignore", log.fd, log.fd], detached: true });
  } finally {
    await log.close();
  }
  const deadline = Date.now() + timeoutMs;
  for (const port of spec.ports) {
    while (!(await acceptsConnections(port))) {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
        const output = await readFile(spec.log, "utf8").catch(() => "");
        throw new Error(`the sandbox's ${spec.kind} server (${PYTHON3} ${spec.args.join(" ")}) did not listen on 127.0.0.1:${port}:\n${output.slice(-2000)}`);
      }
      await sleep(20);
    }
  }
  if (detached) child.unref();
  return child.pid ?? 0;
}
