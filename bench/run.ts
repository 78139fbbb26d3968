/**
 * `npm run bench -- --hosts 10,50,200`: change-domain on a fleet of real OpenSSH hosts on this machine (the bkce
 * 5.x sandbox: real supervisord and nginx), timed as whole processes for bkplay, Ansible
 * (bench/ansible/change-domain.yml) and the floor (bench/floor.ts), each checked for the same files and the same
 * restarts after every run, plus start-up time, step-count scaling and `bkplay doctor` over the same fleet (every
 * check, read-only; the fleet runs a MariaDB for its mysql hosts and a listener stands in for the agents' nginx,
 * so a run finds nothing and exits 0). Writes bench/out/results.json and bench/out/results.md.
 *
 * Options: --hosts 10,50,200  --runs N (default 5 up to 50 hosts, 3 above)  --ansible-runs-large N (default 1,
 * for more than 50 hosts)  --bkplay <bin/bkplay.js> (default this checkout's)  --no-ansible  --insight-only
 * (only bkplay's phase durations and CPU profile, no timed runs)  --steps-runs N (default 3; 0 skips)  --no-startup
 * --doctor-runs N (default the runs of the other tools; 0 skips)  --out <dir>. Results are rewritten after each host count.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer, type Server } from "node:net";
import { performance } from "node:perf_hooks";
import type { DoctorReport } from "../src/doctor/run-doctor.js";
import { startFleet } from "../src/sandbox/fleet.js";
import type { Fleet } from "../src/sandbox/fleet.js";
import { ansibleInventory, editedDigest, expectedDigest, expectedRestarts, fleetOldDomain, resetTrees, restartedSince, services, settledServices, stepsPlaybook, writeStepFiles } from "./fixtures.js";
import { runCommand, summarize, timed } from "./measure.js";
import type { Command, Sample, Summary } from "./measure.js";
import { summarizeProfile } from "./profile.js";
import type { ProfileSummary } from "./profile.js";
import { NEW_DOMAIN } from "./edits.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const benchSrc = join(repo, "bench");

type Mode = "apply" | "rerun" | "check";
type Tool = "bkplay" | "floor" | "ansible";
const MODES: Mode[] = ["apply", "rerun", "check"];

interface Options {
  hosts: number[];
  runs?: number;
  ansibleRunsLarge: number;
  bkplay: string;
  ansible: boolean;
  /** Only bkplay's phase durations and CPU profile per host count (no timed runs, no steps). */
  insightOnly: boolean;
  /** Runs per mode of the 4-vs-40-steps comparison (at 50 hosts, or the first host count); 0 skips it. */
  stepsRuns: number;
  /** Skip the start-up timings. */
  startup: boolean;
  /** Timed `bkplay doctor` runs per host count (default: --runs); 0 skips them. */
  doctorRuns?: number;
  out: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { hosts: [10, 50, 200], ansibleRunsLarge: 1, bkplay: join(repo, "bin", "bkplay.js"), ansible: true, insightOnly: false, stepsRuns: 3, startup: true, out: join(benchSrc, "out") };
  for (let i = 0; i < argv.length; i++) {
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1] ?? ""} needs a value`);
      return v;
    };
    switch (argv[i]) {
      case "--hosts":
        options.hosts = value().split(",").map(Number);
        break;
      case "--runs":
        options.runs = Number(value());
        break;
      case "--ansible-runs-large":
        options.ansibleRunsLarge = Number(value());
        break;
      case "--bkplay":
        options.bkplay = resolve(value());
        break;
      case "--steps-runs":
        options.stepsRuns = Number(value());
        break;
      case "--no-startup":
        options.startup = false;
        break;
      case "--doctor-runs":
        options.doctorRuns = Number(value());
        break;
      case "--insight-only":
        options.insightOnly = true;
        break;
      case "--no-ansible":
        options.ansible = false;
        break;
      case "--out":
        options.out = resolve(value());
        break;
      default:
        throw new Error(`unknown option ${argv[i] ?? ""}`);
    }
  }
  if (options.hosts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--hosts takes positive integers, e.g. 10,50,200");
  return options;
}

const log = (message: string): void => { process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`); };

interface Result {
  hosts: number;
  tool: Tool;
  mode: Mode;
  samples: Sample[];
  summary: Summary;
  note?: string;
}

class Bench {
  readonly results: Result[] = [];
  readonly notes: string[] = [];
  constructor(readonly options: Options, readonly work: string) {}

  bkplayCommand(fleet: Fleet, mode: Mode, forks: number, extra: string[] = [], nodeArgs: string[] = []): Command {
    const args = [...nodeArgs, this.options.bkplay, "run", "change-domain", "-i", fleet.inventoryFile, "-e", `new_domain=${NEW_DOMAIN}`];
    if (mode === "check") args.push("--check", "--diff");
    return { cmd: process.execPath, args: [...args, "--forks", String(forks), "--json", ...extra] };
  }

  floorCommand(fleet: Fleet, mode: Mode): Command {
    return { cmd: process.execPath, args: [join(here, "floor.js"), fleet.dir, ...(mode === "check" ? ["--check"] : [])] };
  }

  ansibleCommand(fleet: Fleet, mode: Mode, forks: number, controlDir: string): Command {
    const args = ["-i", join(fleet.dir, "ansible-hosts.yaml"), join(benchSrc, "ansible", "change-domain.yml"), "-e", `new_domain=${NEW_DOMAIN}`, "--forks", String(forks)];
    if (mode === "check") args.push("--check", "--diff");
    return {
      cmd: "ansible-playbook",
      args,
      env: { ...process.env, ANSIBLE_CONFIG: join(benchSrc, "ansible", "ansible.cfg"), ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir, ANSIBLE_NOCOLOR: "1" },
    };
  }

  /** One timed run; Ansible gets a fresh ControlPath dir (a cold start, like the others) and its masters closed after. */
  async sample(tool: Tool, fleet: Fleet, mode: Mode): Promise<Sample> {
    const forks = fleet.hosts.length;
    if (tool === "bkplay") return timed(this.bkplayCommand(fleet, mode, forks));
    if (tool === "floor") return timed(this.floorCommand(fleet, mode));
    const controlDir = await mkdtemp(join(this.work, "cp-"));
    try {
      return await timed(this.ansibleCommand(fleet, mode, forks, controlDir));
    } finally {
      const sockets = await readdir(controlDir);
      await Promise.all(sockets.map((s) => runCommand("ssh", ["-O", "exit", "-o", `ControlPath=${join(controlDir, s)}`, "bench"]).catch(() => undefined)));
      await rm(controlDir, { recursive: true, force: true });
    }
  }

  /**
   * apply from fresh files, the same again (idempotent), then --check --diff on fresh files, each verified.
   * Tools alternate run by run, so a load change on this machine hits them alike.
   */
  async measureTools(fleet: Fleet, plan: { tool: Tool; runs: number }[]): Promise<void> {
    const n = fleet.hosts.length;
    await resetTrees(fleet);
    const old = await fleetOldDomain(fleet);
    const fresh = await editedDigest(fleet, old);
    const expected = await expectedDigest(fleet, old);
    const restarts = expectedRestarts(fleet);
    const maxRuns = Math.max(...plan.map((p) => p.runs));
    const samples = new Map<string, Sample[]>();
    const add = (tool: Tool, mode: Mode, sample: Sample): void => { samples.set(`${tool} ${mode}`, [...(samples.get(`${tool} ${mode}`) ?? []), sample]); };
    let running = new Map<string, string>();
    const eachRun = async (mode: Mode, before: () => Promise<void>, after: (tool: Tool) => Promise<void>): Promise<void> => {
      for (let i = 0; i < maxRuns; i++) {
        for (const { tool } of plan.filter((p) => p.runs > i)) {
          await before();
          // A freshly (re)started nginx listens before its worker runs: the reading before the run waits for it.
          running = await settledServices(fleet, new Map(), []);
          add(tool, mode, await this.sample(tool, fleet, mode));
          await after(tool);
        }
      }
    };
    const unchanged = async (tool: Tool, mode: Mode, digest: string): Promise<void> => {
      if ((await editedDigest(fleet, old)) !== digest) throw new Error(`${tool} ${mode} on ${n} hosts changed a file`);
      const restarted = restartedSince(running, await services(fleet));
      if (restarted.length > 0) throw new Error(`${tool} ${mode} on ${n} hosts restarted ${restarted.join(", ")}`);
    };
    await eachRun("apply", () => resetTrees(fleet), async (tool) => {
      if ((await editedDigest(fleet, old)) !== expected) throw new Error(`${tool} apply on ${n} hosts did not leave the expected files`);
      const restarted = restartedSince(running, await settledServices(fleet, running, restarts));
      if (restarted.join() !== restarts.join()) throw new Error(`${tool} apply on ${n} hosts restarted ${restarted.join(", ") || "nothing"}; expected ${restarts.join(", ")}`);
    });
    await eachRun("rerun", () => Promise.resolve(), (tool) => unchanged(tool, "rerun", expected));
    await resetTrees(fleet);
    await eachRun("check", () => Promise.resolve(), (tool) => unchanged(tool, "check", fresh));
    for (const mode of MODES) {
      for (const { tool } of plan) {
        const list = samples.get(`${tool} ${mode}`) ?? [];
        const summary = summarize(list);
        this.results.push({ hosts: n, tool, mode, samples: list, summary });
        log(`${n} hosts ${tool} ${mode}: median ${summary.wallMedian.toFixed(2)} s (${list.map((x) => x.wallS.toFixed(2)).join(" ")}), cpu ${summary.cpuMedian.toFixed(2)} s, rss ${summary.rssMaxMiB.toFixed(0)} MiB, load ${summary.loadMedian.toFixed(1)}`);
      }
    }
  }

  /** bkplay's own per-host phase durations (one untimed apply) and a CPU profile of another. */
  async bkplayInsight(fleet: Fleet): Promise<{ phases: Record<string, number>; profile: ProfileSummary }> {
    const n = fleet.hosts.length;
    await resetTrees(fleet);
    const report = join(this.work, `report-${n}.json`);
    await timed({ ...this.bkplayCommand(fleet, "apply", n), stdoutFile: report });
    const parsed = JSON.parse(await readFile(report, "utf8")) as { durationMs: number; hosts: { durations: { connectMs: number; probeMs: number; applyMs: number } }[] };
    const worked = parsed.hosts.filter((h) => h.durations.connectMs > 0);
    const med = (key: "connectMs" | "probeMs" | "applyMs"): number => {
      const v = worked.map((h) => h.durations[key]).sort((a, b) => a - b);
      return v[Math.floor(v.length / 2)] ?? NaN;
    };
    const max = (key: "connectMs" | "probeMs" | "applyMs"): number => Math.max(...worked.map((h) => h.durations[key]));
    const phases = { runMs: parsed.durationMs, connectMedianMs: med("connectMs"), connectMaxMs: max("connectMs"), probeMedianMs: med("probeMs"), probeMaxMs: max("probeMs"), applyMedianMs: med("applyMs"), applyMaxMs: max("applyMs") };
    await resetTrees(fleet);
    const profDir = join(this.work, `prof-${n}`);
    await mkdir(profDir, { recursive: true });
    await timed(this.bkplayCommand(fleet, "apply", n, [], ["--cpu-prof", "--cpu-prof-dir", profDir]));
    const [file] = (await readdir(profDir)).filter((f) => f.endsWith(".cpuprofile"));
    if (file === undefined) throw new Error("no .cpuprofile written");
    return { phases, profile: await summarizeProfile(join(profDir, file)) };
  }

  /** 4 vs 40 one-line edits per host, over 4 files and over 40 files; bkplay only. */
  async measureSteps(fleet: Fleet, runs: number): Promise<void> {
    const n = fleet.hosts.length;
    for (const [steps, files] of [[4, 4], [40, 4], [40, 40]] as const) {
      const playbook = join(this.work, `steps-${steps}-${files}.yaml`);
      await writeFile(playbook, stepsPlaybook(steps, files));
      const command = (mode: Mode): Command => {
        const args = [this.options.bkplay, "run", playbook, "-i", fleet.inventoryFile, "--forks", String(n), "--json"];
        return { cmd: process.execPath, args: mode === "check" ? [...args, "--check", "--diff"] : args };
      };
      const samples: Record<Mode, Sample[]> = { apply: [], rerun: [], check: [] };
      for (let i = 0; i < runs; i++) {
        await writeStepFiles(fleet, steps, files);
        samples.apply.push(await timed(command("apply")));
      }
      for (let i = 0; i < runs; i++) samples.rerun.push(await timed(command("rerun")));
      await writeStepFiles(fleet, steps, files);
      for (let i = 0; i < runs; i++) samples.check.push(await timed(command("check")));
      for (const mode of MODES) {
        const summary = summarize(samples[mode]);
        this.steps.push({ steps, files, mode, summary });
        log(`${n} hosts, ${steps} steps over ${files} files, ${mode}: median ${summary.wallMedian.toFixed(2)} s, cpu ${summary.cpuMedian.toFixed(2)} s`);
      }
    }
  }
  readonly steps: { steps: number; files: number; mode: Mode; summary: Summary }[] = [];

  /** `bkplay doctor` on fresh files, every check, as an operator runs it; each run must read every host and find nothing. */
  async measureDoctor(fleet: Fleet, runs: number): Promise<void> {
    const n = fleet.hosts.length;
    await resetTrees(fleet);
    const report = join(this.work, `doctor-${n}.json`);
    const samples: Sample[] = [];
    let checks = 0;
    for (let i = 0; i < runs; i++) {
      samples.push(await timed({ cmd: process.execPath, args: [this.options.bkplay, "doctor", "-i", fleet.inventoryFile, "--forks", String(n), "--json"], stdoutFile: report }));
      const r = JSON.parse(await readFile(report, "utf8")) as DoctorReport;
      if (r.findings.length > 0 || r.summary.hosts !== n) throw new Error(`doctor on ${n} hosts read ${r.summary.hosts} and found ${r.findings.map((f) => `${f.check} ${f.outcome} ${f.hosts.join(",")}: ${f.message}`).join("; ")}`);
      checks = r.summary.checks;
    }
    const summary = summarize(samples);
    this.doctor.push({ hosts: n, checks, summary });
    log(`${n} hosts doctor (${checks} checks): median ${summary.wallMedian.toFixed(2)} s (${samples.map((x) => x.wallS.toFixed(2)).join(" ")}), cpu ${summary.cpuMedian.toFixed(2)} s`);
  }
  readonly doctor: { hosts: number; checks: number; summary: Summary }[] = [];

  async measureStartup(runs: number): Promise<{ name: string; summary: Summary }[]> {
    const commands: [string, Command][] = [
      ["node -e 0 (baseline)", { cmd: process.execPath, args: ["-e", "0"] }],
      ["bkplay --help", { cmd: process.execPath, args: [this.options.bkplay, "--help"] }],
      ["bkplay validate change-domain", { cmd: process.execPath, args: [this.options.bkplay, "validate", "change-domain"] }],
    ];
    const out: { name: string; summary: Summary }[] = [];
    for (const [name, command] of commands) {
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) samples.push(await timed(command));
      out.push({ name, summary: summarize(samples) });
      log(`startup ${name}: median ${(summarize(samples).wallMedian * 1000).toFixed(0)} ms`);
    }
    return out;
  }

  async profileValidate(): Promise<ProfileSummary> {
    const profDir = join(this.work, "prof-validate");
    await mkdir(profDir, { recursive: true });
    await timed({ cmd: process.execPath, args: ["--cpu-prof", "--cpu-prof-dir", profDir, this.options.bkplay, "validate", "change-domain"] });
    const [file] = (await readdir(profDir)).filter((f) => f.endsWith(".cpuprofile"));
    if (file === undefined) throw new Error("no .cpuprofile written");
    return summarizeProfile(join(profDir, file));
  }
}

async function machine(): Promise<Record<string, string>> {
  const first = (text: string): string => text.trim().split("\n")[0] ?? "";
  const version = async (cmd: string, args: string[]): Promise<string> => {
    const { spawnSync } = await import("node:child_process");
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    return first(`${r.stdout}${r.stderr}`);
  };
  const limits = await readFile("/proc/self/limits", "utf8");
  return {
    nproc: await version("nproc", []),
    cpu: cpus()[0]?.model ?? "?",
    memory: (await version("free", ["-h"])) + " | " + ((await runCommand("free", ["-h"])).split("\n")[1] ?? "").replace(/\s+/g, " "),
    kernel: await version("uname", ["-r"]),
    node: process.version,
    ansible: await version("ansible-playbook", ["--version"]),
    openssh: await version("ssh", ["-V"]),
    nginx: await version("nginx", ["-v"]),
    openFiles: /Max open files\s+(\d+)/.exec(limits)?.[1] ?? "?",
  };
}

const f2 = (x: number): string => x.toFixed(2);
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? "–" : `${(a / b).toFixed(2)}×`);

function markdown(bench: Bench, info: Record<string, string>, startup: { name: string; summary: Summary }[], validateProfile: ProfileSummary | undefined, insights: Map<number, { phases: Record<string, number>; profile: ProfileSummary }>, elapsedS: number): string {
  const lines: string[] = [`Generated by \`npm run bench -- --hosts ${bench.options.hosts.join(",")}\` in ${(elapsedS / 60).toFixed(1)} min.`, "", "Machine:", ""];
  for (const [k, v] of Object.entries(info)) lines.push(`- ${k}: ${v}`);
  for (const n of bench.options.hosts) {
    const of = (tool: Tool, mode: Mode): Summary | undefined => bench.results.find((r) => r.hosts === n && r.tool === tool && r.mode === mode)?.summary;
    lines.push("", `### ${n} hosts`, "", "| tool | mode | runs | median s | min–max s | CPU user+sys s (median) | peak RSS MiB | load1 at start |", "|---|---|---|---|---|---|---|---|");
    for (const tool of ["bkplay", "floor", "ansible"] as Tool[]) {
      for (const mode of MODES) {
        const s = of(tool, mode);
        if (s) lines.push(`| ${tool} | ${mode} | ${s.runs} | ${f2(s.wallMedian)} | ${f2(s.wallMin)}–${f2(s.wallMax)} | ${f2(s.cpuMedian)} | ${s.rssMaxMiB.toFixed(0)} | ${s.loadMedian.toFixed(1)} |`);
      }
    }
    lines.push("", "| mode | bkplay/floor (wall) | Ansible/bkplay (wall) | bkplay/floor (CPU) | bkplay/Ansible (CPU) |", "|---|---|---|---|---|");
    for (const mode of MODES) {
      const b = of("bkplay", mode);
      const fl = of("floor", mode);
      const a = of("ansible", mode);
      lines.push(`| ${mode} | ${ratio(b?.wallMedian, fl?.wallMedian)} | ${ratio(a?.wallMedian, b?.wallMedian)} | ${ratio(b?.cpuMedian, fl?.cpuMedian)} | ${ratio(b?.cpuMedian, a?.cpuMedian)} |`);
    }
    const insight = insights.get(n);
    if (insight) {
      lines.push("", `bkplay per-host phases (one apply, its --json report): ${Object.entries(insight.phases).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")}`);
      lines.push("", `bkplay CPU profile of one apply (node --cpu-prof, ${insight.profile.totalMs.toFixed(0)} ms sampled), self time by package:`, "", "| package | self ms | % |", "|---|---|---|");
      for (const p of insight.profile.byPackage.slice(0, 12)) lines.push(`| ${p.name} | ${p.ms.toFixed(0)} | ${p.pct.toFixed(1)} |`);
      lines.push("", "Top functions by self time:", "", "| function | where | self ms | % |", "|---|---|---|---|");
      for (const t of insight.profile.topFunctions) lines.push(`| ${t.name} | ${t.where} | ${t.ms.toFixed(0)} | ${t.pct.toFixed(1)} |`);
    }
  }
  if (bench.doctor.length > 0) {
    lines.push("", "### bkplay doctor (every check, read-only; beside `run --check` above)", "", "| hosts | checks | runs | median s | min–max s | CPU s | peak RSS MiB | load1 at start |", "|---|---|---|---|---|---|---|---|");
    for (const d of bench.doctor) lines.push(`| ${d.hosts} | ${d.checks} | ${d.summary.runs} | ${f2(d.summary.wallMedian)} | ${f2(d.summary.wallMin)}–${f2(d.summary.wallMax)} | ${f2(d.summary.cpuMedian)} | ${d.summary.rssMaxMiB.toFixed(0)} | ${d.summary.loadMedian.toFixed(1)} |`);
  }
  if (bench.steps.length > 0) {
    lines.push("", "### Steps: 4 vs 40 edits per host (bkplay)", "", "| steps | files | mode | median s | min–max s | CPU s | peak RSS MiB |", "|---|---|---|---|---|---|---|");
    for (const s of bench.steps) lines.push(`| ${s.steps} | ${s.files} | ${s.mode} | ${f2(s.summary.wallMedian)} | ${f2(s.summary.wallMin)}–${f2(s.summary.wallMax)} | ${f2(s.summary.cpuMedian)} | ${s.summary.rssMaxMiB.toFixed(0)} |`);
  }
  if (startup.length > 0) lines.push("", "### Start-up", "", "| command | runs | median ms | min–max ms | CPU ms | peak RSS MiB |", "|---|---|---|---|---|---|");
  for (const s of startup) lines.push(`| ${s.name} | ${s.summary.runs} | ${(s.summary.wallMedian * 1000).toFixed(0)} | ${(s.summary.wallMin * 1000).toFixed(0)}–${(s.summary.wallMax * 1000).toFixed(0)} | ${(s.summary.cpuMedian * 1000).toFixed(0)} | ${s.summary.rssMaxMiB.toFixed(0)} |`);
  if (validateProfile) {
    lines.push("", `\`bkplay validate change-domain\` CPU profile (${validateProfile.totalMs.toFixed(0)} ms sampled), self time by package:`, "", "| package | self ms | % |", "|---|---|---|");
    for (const p of validateProfile.byPackage.slice(0, 10)) lines.push(`| ${p.name} | ${p.ms.toFixed(0)} | ${p.pct.toFixed(1)} |`);
    lines.push("", "| function | where | self ms | % |", "|---|---|---|---|");
    for (const t of validateProfile.topFunctions) lines.push(`| ${t.name} | ${t.where} | ${t.ms.toFixed(0)} | ${t.pct.toFixed(1)} |`);
  }
  if (bench.notes.length > 0) lines.push("", ...bench.notes.map((n) => `- ${n}`));
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const work = await mkdtemp(join(tmpdir(), "bkbench-"));
  // The fleets' MariaDB runs as mysql: it must get through to its folder.
  await chmod(work, 0o755);
  const agentNginx = await standInAgentNginx();
  const bench = new Bench(options, work);
  const info = await machine();
  log(`work dir ${work}; bkplay ${options.bkplay}`);
  const insights = new Map<number, { phases: Record<string, number>; profile: ProfileSummary }>();
  const stepsAt = options.hosts.includes(50) ? 50 : options.hosts[0];
  const writeOut = async (startup: { name: string; summary: Summary }[], validateProfile?: ProfileSummary): Promise<void> => {
    const elapsed = (performance.now() - started) / 1000;
    await mkdir(options.out, { recursive: true });
    await writeFile(join(options.out, "results.json"), `${JSON.stringify({ info, results: bench.results, steps: bench.steps, doctor: bench.doctor, startup, validateProfile, insights: Object.fromEntries(insights), elapsedS: elapsed }, null, 2)}\n`);
    await writeFile(join(options.out, "results.md"), markdown(bench, info, startup, validateProfile, insights, elapsed));
  };
  try {
    for (const n of options.hosts) {
      log(`starting ${n} sshd hosts`);
      const fleet = await startFleet({ hosts: n, dir: join(work, `fleet-${n}`), backend: "sshd", generation: "ce5", mysql: true });
      try {
        await writeFile(join(fleet.dir, "ansible-hosts.yaml"), ansibleInventory(fleet));
        const runs = options.runs ?? (n > 50 ? 3 : 5);
        const plan: { tool: Tool; runs: number }[] = [{ tool: "floor", runs }, { tool: "bkplay", runs }];
        if (options.ansible) {
          const ansibleRuns = n > 50 ? Math.min(runs, options.ansibleRunsLarge) : runs;
          if (ansibleRuns < runs) bench.notes.push(`Ansible at ${n} hosts: ${ansibleRuns} run(s) per mode (its runs are long).`);
          plan.push({ tool: "ansible", runs: ansibleRuns });
        }
        if (!options.insightOnly) await bench.measureTools(fleet, plan);
        const doctorRuns = options.doctorRuns ?? runs;
        if (!options.insightOnly && doctorRuns > 0) await bench.measureDoctor(fleet, doctorRuns);
        insights.set(n, await bench.bkplayInsight(fleet));
        if (n === stepsAt && options.stepsRuns > 0) await bench.measureSteps(fleet, options.stepsRuns);
        await writeOut([]);
      } finally {
        await fleet.stop();
      }
    }
    if (options.startup) await writeOut(await bench.measureStartup(20), await bench.profileValidate());
    log(`done in ${((performance.now() - started) / 60_000).toFixed(1)} min; ${join(options.out, "results.md")}`);
  } finally {
    agentNginx?.close();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The agents' nginx on 8010, which paas.conf's /t/ and /o/ upstreams name (the sandbox runs none): something must
 * listen there for doctor's agent.listener to find nothing (a port already taken is listening as well).
 */
function standInAgentNginx(): Promise<Server | undefined> {
  const server = createServer((socket) => socket.destroy());
  return new Promise((resolve) => {
    server.once("error", () => { resolve(undefined); });
    server.listen(8010, "127.0.0.1", () => { resolve(server); });
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
