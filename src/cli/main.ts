import { Command, InvalidArgumentError, Option } from "commander";
import { InputError } from "../errors.js";
import { parseDuration } from "./duration.js";
import { handleError } from "./handle-error.js";

const EXIT_CODES = `
Exit codes:
  0  every host ok (or changed)
  1  a host failed or was unreachable, or a cross-host condition refused the run (nothing changed then)
  2  bad input (playbook, inventory, variables, flags), or a plan expired or not approved: nothing was contacted
  3  refused: a host's files changed since they were planned (drift); that host was left untouched`;

const program = new Command("bkplay")
  .description("Idempotent remediations for BlueKing PaaS deployments, over SSH. Exact in --check --diff.")
  .version("0.1.0")
  .showSuggestionAfterError()
  .addHelpText("after", EXIT_CODES);
// Before any subcommand is made: subcommands copy these, so every usage error of every command reaches the one catch (exit 2).
program.exitOverride();
program.configureOutput({ outputError: (s, write) => write(s) });

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const EXTRA_VAR_HELP = "set a variable (repeatable): name=value, @vars.yaml, or a JSON object (also --extra-vars)";

/** Ansible's spelling `--extra-vars` is ours `--extra-var`: operators type what their hands know. */
function ansibleSpellings(argv: readonly string[]): string[] {
  return argv.map((a) => (a === "--extra-vars" ? "--extra-var" : a.startsWith("--extra-vars=") ? `--extra-var=${a.slice("--extra-vars=".length)}` : a));
}

program
  .command("list")
  .description("list the shipped playbooks with their variables")
  .option("--json", "machine-readable output")
  .action(async (o: { json?: boolean }) => (await import("./commands/list.js")).listCommand(o));

program
  .command("validate")
  .description("check playbooks (a bare name is a shipped playbook) and, with -i, render them for every host")
  .argument("<playbook...>", "shipped playbook name or path to a .yaml file")
  .option("-i, --inventory <file>", "inventory: native hosts.yaml, Ansible YAML or INI, or BlueKing install.config")
  .option("-e, --extra-var <name=value>", EXTRA_VAR_HELP, collect, [])
  .option("--vars-file <file>", "YAML file of variables")
  .action(async (refs: string[], o: { inventory?: string; extraVar: string[]; varsFile?: string }) => (await import("./commands/validate.js")).validateCommand(refs, o));

program
  .command("inventory")
  .description("show hosts with address, port, user, groups and merged variables")
  .requiredOption("-i, --inventory <file>", "inventory file")
  .option("-l, --limit <pattern>", "hosts, groups, globs, !exclusions, a,b lists")
  .option("--json", "machine-readable output")
  .option("--probe", "connect to each host (read-only) and show its BlueKing generation, found from its marker files")
  .addOption(new Option("--forks <n>", "hosts probed at once").default(50).argParser((v) => positiveInt(v, "--forks")))
  .action(async (o: import("./commands/inventory.js").InventoryFlags) => (await import("./commands/inventory.js")).inventoryCommand(o));

/** Options shared by every command that executes a playbook (run, plan, apply). */
function withExecOptions(cmd: Command): Command {
  return cmd
    .option("-D, --diff", "show unified diffs of every file change (identical diffs grouped across hosts)")
    .addOption(new Option("--forks <n>", "hosts worked on at once").default(50).argParser((v) => positiveInt(v, "--forks")))
    .addOption(new Option("--host-key-checking <policy>", "override the inventory: strict | accept-new | off").choices(["strict", "accept-new", "off"]))
    .option("--ssh-config <file>", "OpenSSH client config to read (default ~/.ssh/config); the inventory wins where both set something")
    .option("--backup-dir <dir>", "remote directory for backups and the run's record (per run id)", "/var/tmp/bkplay")
    .addOption(new Option("--lock-timeout <seconds>", "wait this long for another run's apply on the same host").default(60).argParser((v) => positiveInt(v, "--lock-timeout")))
    .option("--serial <sizes>", "rolling batches: a count (2), a percentage (25%), or a list (1,25%,100%)")
    .addOption(new Option("--max-fail-percentage <p>", "stop when more than P% of a batch's hosts failed (default 0 with --serial)").argParser((v) => percentage(v)))
    .option("--window <HH:MM-HH:MM>", "change window: refuse to start outside it; no new batch when less time is left than the slowest batch took")
    .option("--tz <zone>", "time zone of --window (default: this machine's), e.g. Asia/Shanghai")
    .option("--confirm-each-batch", "ask for a yes on the terminal before each batch after the first")
    .option("--partial", "apply the hosts that planned cleanly even when others could not be planned (default: then no host is changed)")
    .option("--log-dir <dir>", "audit log directory (default ~/.bkplay/runs)")
    .option("--json", "print a machine-readable report instead of progress and recap")
    .option("-v, --verbose", "show long commands and their whole output in messages (--json always has them whole)");
}

/** How a plan is applied is decided when it is applied: `plan` would otherwise take these and drop them. */
const APPLY_ONLY = { serial: "--serial", maxFailPercentage: "--max-fail-percentage", window: "--window", tz: "--tz", confirmEachBatch: "--confirm-each-batch" } as const;

function refuseApplyOnly(opts: Record<string, unknown>): void {
  const given = Object.entries(APPLY_ONLY).filter(([key]) => opts[key] !== undefined).map(([, flag]) => flag);
  if (given.length === 0) return;
  throw new InputError(`${given.join(", ")} ${given.length > 1 ? "decide" : "decides"} how a plan is applied, not what it contains: pass ${given.length > 1 ? "them" : "it"} to \`bkplay apply <plan>\` (the plan was not written)`);
}

const inputOptions = (cmd: Command): Command =>
  cmd
    .requiredOption("-i, --inventory <file>", "inventory file")
    .option("-e, --extra-var <name=value>", EXTRA_VAR_HELP, collect, [])
    .option("--vars-file <file>", "YAML file of variables")
    .option("-l, --limit <pattern>", "restrict to these hosts/groups");

withExecOptions(
  inputOptions(program.command("run").description("run a playbook: probe every host in one round trip, plan, apply in one more").argument("<playbook>", "shipped playbook name or path to a .yaml file")).option(
    "-C, --check",
    "plan only: show what would change, write nothing",
  ),
).action(async (ref: string, o: import("./commands/run.js").RunFlags) => (await import("./commands/run.js")).runCommand(ref, o));

withExecOptions(
  inputOptions(program.command("plan").description("read every host and save the exact changes to a plan file for review; changes nothing").argument("<playbook>", "shipped playbook name or path to a .yaml file"))
    .requiredOption("-o, --output <file>", "plan file to write (JSON, versioned)")
    .option("--report <file>", "also write a Markdown review report")
    .addOption(new Option("--valid-for <duration>", "the plan expires this long after it is made (8h, 30m, 1h30m, 2d): apply refuses it after").argParser((v) => parseDuration(v, "--valid-for")))
    .option("--signer-principal <name>", "your principal in the reviewers' allowed_signers files (default: your user name): your own approval of this plan counts only with apply --allow-self-approval"),
)
  .hook("preAction", (cmd) => refuseApplyOnly(cmd.opts()))
  .action(async (ref: string, o: import("./commands/plan.js").PlanFlags) => (await import("./commands/plan.js")).planCommand(ref, o));

withExecOptions(
  program
    .command("apply")
    .description("apply a reviewed plan file exactly; a host whose state drifted since the plan is refused (exit 3)")
    .argument("<plan>", "plan file written by `bkplay plan`")
    .option("-e, --extra-var <name=value>", "secret variables the plan left out (repeatable)", collect, [])
    .option("--vars-file <file>", "YAML file with the secret variables")
    .addOption(new Option("--allow-drift <mode>", "replan: re-plan a drifted host and apply its new diff instead of refusing it").choices(["replan"]))
    .option("--allowed-signers <file>", "verify the plan's approvals against this OpenSSH allowed_signers file; any that does not verify refuses the plan (exit 2)")
    .addOption(new Option("--require-approvals <n>", "refuse (exit 2) unless at least N distinct principals approved the plan (default 1 with --allowed-signers)").argParser((v) => positiveInt(v, "--require-approvals")))
    .option("--allow-self-approval", "count the planner's own approval"),
).action(async (file: string, o: import("./commands/apply.js").ApplyFlags) => (await import("./commands/apply.js")).applyCommand(file, o));

program
  .command("approve")
  .description("review a plan file and sign it with your SSH key (ssh-keygen -Y sign, namespace bkplay-plan); the signature is added to the plan's approvals")
  .argument("<plan>", "plan file written by `bkplay plan`")
  .option("--key <file>", "private key, or public key held by your ssh-agent (default ~/.ssh/id_ed25519, id_ecdsa, id_rsa, else the agent's first key)")
  .option("--signer-principal <name>", "the principal the allowed_signers files list your key under (default: your user name)")
  .option("-y, --yes", "approve without asking (needed without a terminal)")
  .action(async (file: string, o: import("./commands/approve.js").ApproveFlags) => (await import("./commands/approve.js")).approveCommand(file, o));

program
  .command("rollback")
  .description("restore every file a past run changed, then run the handlers those files notify; on a terminal it shows what it will do and asks first")
  .argument("<run-id>", "run id (or a unique prefix) from `bkplay history`")
  .option("-C, --check", "preview per host what would be restored and restarted; changes nothing")
  .option("-y, --yes", "roll back without asking (needed without a terminal)")
  .option("--force", "also restore files changed since that run")
  .addOption(new Option("--forks <n>", "hosts worked on at once").default(50).argParser((v) => positiveInt(v, "--forks")))
  .addOption(new Option("--lock-timeout <seconds>", "wait this long for another run's apply on the same host").default(60).argParser((v) => positiveInt(v, "--lock-timeout")))
  .addOption(new Option("--host-key-checking <policy>", "override the inventory: strict | accept-new | off").choices(["strict", "accept-new", "off"]))
  .option("--ssh-config <file>", "OpenSSH client config to read (default ~/.ssh/config); the inventory wins where both set something")
  .option("--log-dir <dir>", "audit log directory (default ~/.bkplay/runs)")
  .option("--json", "print a machine-readable report (the shape of run's) instead of progress and recap")
  .option("-v, --verbose", "show long commands and their whole output in messages")
  .action(async (runId: string, o: import("./commands/rollback.js").RollbackFlags) => (await import("./commands/rollback.js")).rollbackCommand(runId, o));

program
  .command("history")
  .description("list past runs from the audit log")
  .option("--log-dir <dir>", "audit log directory (default ~/.bkplay/runs)")
  .addOption(new Option("--last <n>", "how many runs").default(20).argParser((v) => positiveInt(v, "--last")))
  .option("--json", "machine-readable output")
  .action(async (o: { logDir?: string; json?: boolean; last: number }) => (await import("./commands/history.js")).historyCommand(o));

program
  .command("doctor")
  .description("read every host once (changes nothing) and say what is wrong, with the evidence and the command that fixes it")
  .requiredOption("-i, --inventory <file>", "inventory file")
  .option("-l, --limit <pattern>", "restrict to these hosts/groups")
  .option("--only <ids>", "run only these checks (comma-separated ids)")
  .option("--skip <ids>", "leave these checks out (comma-separated ids)")
  .option("--json", "machine-readable report")
  .option("--report <file>", "also write a Markdown report")
  .option("--strict", "exit 1 on a warning too")
  .addOption(new Option("--lang <lang>", "message language (default: zh under a zh_* LANG/LC_ALL)").choices(["en", "zh"]))
  .addOption(new Option("--forks <n>", "hosts read at once").default(50).argParser((v) => positiveInt(v, "--forks")))
  .addOption(new Option("--timeout <seconds>", "each host's bound to connect and answer; a host slower than this is a finding").default(30).argParser((v) => positiveInt(v, "--timeout")))
  .action(async (o: import("./commands/doctor.js").DoctorFlags) => (await import("./commands/doctor.js")).doctorCommand(o));

const sandbox = program.command("sandbox").description("the built-in sandbox fleet: SSH hosts on 127.0.0.1, each with a BlueKing tree");
sandbox
  .command("up")
  .description("start the fleet and write hosts.yaml and known_hosts into --dir")
  .addOption(new Option("--hosts <n>", "number of hosts").default(5).argParser((v) => positiveInt(v, "--hosts")))
  .option("--dir <dir>", "fleet directory", ".sandbox")
  .addOption(new Option("--backend <backend>", "sshd (OpenSSH) or ssh2 (in-process); auto picks sshd when installed").choices(["auto", "sshd", "ssh2"]).default("auto"))
  .addOption(new Option("--generation <generation>", "the hosts' BlueKing: oss (the seeds' layout), ce5 (bkce 5.x), ce6 (bkce 6.x), ce7 (bkce 7.x nodes), or mixed (three installs side by side)").choices(["oss", "ce5", "ce6", "ce7", "mixed"]).default("ce5"))
  .action(async (o: { hosts: number; dir: string; backend: "auto" | "sshd" | "ssh2"; generation: "oss" | "ce5" | "ce6" | "ce7" | "mixed" }) => (await import("./commands/sandbox.js")).sandboxUp(o));
sandbox
  .command("down")
  .description("stop the fleet started in --dir")
  .option("--dir <dir>", "fleet directory", ".sandbox")
  .action(async (o: { dir: string }) => (await import("./commands/sandbox.js")).sandboxDown(o));

function percentage(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError(`--max-fail-percentage must be 0..100, got '${v}'`);
  return n;
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got '${v}'`);
  return n;
}

// `bkplay … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

try {
  await program.parseAsync(ansibleSpellings(process.argv));
} catch (err) {
  process.exitCode = handleError(err);
}
