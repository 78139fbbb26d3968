import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { stringify } from "yaml";
import { LAYOUTS, placePath, type Layout, type PaasGeneration as Generation } from "../../src/generations/layouts.js";
import { bkplay, type CliResult } from "../support/cli.js";
import { realPath } from "./genuine.js";
import { jailScript, nginxWrapper, recorder, REAL_NGINX, writeScript } from "./stand-ins.js";

export type Group = "paas" | "nginx" | "appo" | "appt";

/** One host of the temporary fleet: its own install root and sysroot, its files where its generation keeps them. */
export class LabHost {
  readonly root: string;
  readonly sys: string;
  readonly layout: Layout;

  constructor(readonly lab: Lab, readonly name: string, readonly group: Group, readonly generation: Generation, readonly pinned: boolean) {
    this.root = join(lab.dir, "hosts", name, "root");
    this.sys = join(lab.dir, "hosts", name, "sys");
    this.layout = LAYOUTS[generation];
    mkdirSync(this.root, { recursive: true });
    mkdirSync(this.sys, { recursive: true });
  }

  /** Where a layout path (root-relative, or `/system/path`) lies on this host. */
  at(path: string): string {
    return placePath(path, this.root, this.sys);
  }

  put(path: string, content: string): string {
    const at = this.at(path);
    mkdirSync(dirname(at), { recursive: true });
    writeFileSync(at, content);
    return at;
  }

  /** A genuine file, copied byte for byte to the layout path. */
  putReal(path: string, real: string): string {
    const at = this.at(path);
    mkdirSync(dirname(at), { recursive: true });
    copyFileSync(realPath(real), at);
    return at;
  }

  /** The agent's config in etc/, linked from paas_agent/paas_agent/etc/ as 5.x and 6.x installs do. */
  putAgentConfig(real: string): string {
    const at = this.putReal(this.layout.agent_config, real);
    if (this.generation !== "oss") {
      const link = this.at("paas_agent/paas_agent/etc/paas_agent_config.yaml");
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(relative(dirname(link), at), link);
    }
    return at;
  }

  /** A systemd unit under the sysroot (what bk-install leaves; also a 6.x marker). */
  putUnit(unit: string): string {
    return this.put(`/usr/lib/systemd/system/${unit}`, `[Unit]\nDescription=${unit}\n\n[Service]\nExecStart=/bin/true\n`);
  }

  /** bkce 5.x: supervisor for open_paas and its supervisorctl (a recorder). */
  putSupervisor(conf: string, programs: readonly string[]): void {
    this.put(`etc/${conf}`, programs.map((p) => `[program:${p}]\ncommand = /bin/true\n`).join("\n"));
    writeScript(this.at(".envs/open_paas/bin/supervisorctl"), recorder("supervisorctl", this.lab.callsLog));
  }

  get vars(): Record<string, unknown> {
    const ctl = join(this.lab.dir, "ctl", this.name);
    return {
      paas_root: this.root,
      bk_sysroot: this.sys,
      bkplay_backup_dir: join(ctl, "backup"),
      bkplay_state_dir: join(ctl, "state"),
      ...(this.pinned ? { bk_generation: this.generation } : {}),
    };
  }
}

/** A temporary fleet of `connection: local` hosts, with stand-ins for the services their handlers restart. */
export class Lab {
  readonly dir = mkdtempSync(join(tmpdir(), "bkplay-conformance-"));
  readonly bin = join(this.dir, "bin");
  readonly callsLog = join(this.dir, "calls.log");
  /** Each `nginx -t` (or other non-signal call) the playbooks made, with its exit code. */
  readonly nginxLog = join(this.dir, "nginx-tests.log");
  readonly hosts: LabHost[] = [];
  private readonly logDirs = join(this.dir, "nginx-log-dirs");
  readonly jail = join(this.dir, "bin", "nginx-jail.sh");

  constructor() {
    mkdirSync(join(this.dir, "jail"));
    writeScript(this.jail, jailScript(join(this.dir, "jail"), this.logDirs, this.dir));
    writeScript(join(this.bin, "nginx"), nginxWrapper(this.jail, this.callsLog, this.nginxLog));
    writeScript(join(this.bin, "systemctl"), recorder("systemctl", this.callsLog));
  }

  host(name: string, group: Group, generation: Generation, opts: { pinned?: boolean } = {}): LabHost {
    const h = new LabHost(this, name, group, generation, opts.pinned ?? true);
    this.hosts.push(h);
    return h;
  }

  /** Log directories an nginx config names exist on its host: the jail creates them (empty, in its tmpfs). */
  nginxLogsOf(conf: string): void {
    const dirs = [...conf.matchAll(/^\s*(?:access|error)_log\s+(\/\S+?);?(?:\s|$)/gm)].map((m) => dirname(m[1] ?? "/"));
    writeFileSync(this.logDirs, [...new Set(dirs)].map((d) => `${d}\n`).join(""), { flag: "a" });
  }

  /** A native inventory: every host local, in its group. */
  inventory(): string {
    const groups: Record<string, { hosts: Record<string, unknown> }> = {};
    for (const h of this.hosts) (groups[h.group] ??= { hosts: {} }).hosts[h.name] = { address: "127.0.0.1", vars: h.vars };
    const file = join(this.dir, "hosts.yaml");
    writeFileSync(file, stringify({ ssh: { connection: "local" }, groups }));
    return file;
  }

  /** `bkplay run` as an operator types it, the stand-ins first on PATH, the audit log in the lab. */
  run(playbook: string, ...args: string[]): Promise<CliResult> {
    return bkplay(["run", playbook, "-i", this.inventory(), "--log-dir", join(this.dir, "runs"), ...args], {
      env: { PATH: `${this.bin}:${process.env.PATH ?? "/usr/bin:/bin"}` },
    });
  }

  /** What the service stand-ins were asked, in order. */
  calls(): string[] {
    return linesOf(this.callsLog);
  }

  /** The playbooks' own nginx runs (their `validate`), `nginx ARGS => EXIT`. */
  nginxRuns(): string[] {
    return linesOf(this.nginxLog);
  }

  /** The real nginx's verdict on a paas.conf, included in an http {} block as nginx.conf includes it. */
  nginxTest(paasConf: string): Promise<{ code: number; output: string }> {
    const conf = join(this.dir, "verdict-nginx.conf");
    writeFileSync(conf, `pid ${this.dir}/verdict.pid;\nevents {}\nhttp {\n    log_format main '$remote_addr - $remote_user [$time_local] "$request" $status';\n    include ${paasConf};\n}\n`);
    return new Promise((resolve) => {
      execFile("sh", [this.jail, REAL_NGINX, "-t", "-e", "stderr", "-c", conf], (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, output: stdout + stderr });
      });
    });
  }

  /** Deletes the lab; refused while anything is mounted under it (the jail's mounts live only in its own namespace). */
  remove(): void {
    const mounted = readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((l) => l.split(" ")[4]?.startsWith(this.dir) === true);
    if (mounted.length > 0) throw new Error(`not removing ${this.dir}: mounts under it:\n${mounted.join("\n")}`);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const linesOf = (file: string): string[] => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l !== "") : []);

/** Whether this machine can run the jailed nginx (installed, and mount namespaces allowed); the reason when not. */
export async function nginxUnavailable(): Promise<string | null> {
  if (!existsSync(REAL_NGINX)) return `${REAL_NGINX} is not installed`;
  const lab = new Lab();
  try {
    const r = await new Promise<string | null>((resolve) => {
      execFile("sh", [lab.jail, REAL_NGINX, "-v"], (err, _out, stderr) => { resolve(err ? `the nginx jail does not run here: ${stderr.trim()}` : null); });
    });
    return r;
  } finally {
    lab.remove();
  }
}
