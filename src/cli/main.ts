import { Command, InvalidArgumentError, Option } from "commander";
import { InputError } from "../errors.js";
import { langFlag, resolveLang, setLang } from "../i18n/lang.js";
import { t } from "../i18n/t.js";
import { translateCommanderError } from "./commander-errors.js";
import { parseDuration } from "./duration.js";
import { handleError } from "./handle-error.js";
import { localHelp } from "./local-help.js";

// The language is known before any help text is made: `--lang` anywhere, else the locale.
setLang(resolveLang(langFlag(process.argv), process.env));

const program = new Command("bkplay")
  .description(t("help.program"))
  .version("0.1.0", "-V, --version", t("help.version"))
  .helpOption("-h, --help", t("help.help"))
  .helpCommand("help [command]", t("help.helpCommand"))
  .configureHelp(localHelp)
  .addOption(new Option("--lang <lang>", t("help.lang")).choices(["en", "zh"]))
  .showSuggestionAfterError()
  .addHelpText("after", t("help.exitCodes"));
// Before any subcommand is made: subcommands copy these, so every usage error of every command reaches the one catch (exit 2).
program.exitOverride();
program.configureOutput({ outputError: (s, write) => write(translateCommanderError(s)) });

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Ansible's spelling `--extra-vars` is ours `--extra-var`: operators type what their hands know. */
function ansibleSpellings(argv: readonly string[]): string[] {
  return argv.map((a) => (a === "--extra-vars" ? "--extra-var" : a.startsWith("--extra-vars=") ? `--extra-var=${a.slice("--extra-vars=".length)}` : a));
}

program
  .command("list")
  .description(t("help.list"))
  .option("--json", t("help.json"))
  .action(async (o: { json?: boolean }) => (await import("./commands/list.js")).listCommand(o));

program
  .command("validate")
  .description(t("help.validate"))
  .argument("<playbook...>", t("help.playbooks"))
  .option("-i, --inventory <file>", t("help.inventoryAny"))
  .option("-e, --extra-var <name=value>", t("help.extraVar"), collect, [])
  .option("--vars-file <file>", t("help.varsFile"))
  .action(async (refs: string[], o: { inventory?: string; extraVar: string[]; varsFile?: string }) => (await import("./commands/validate.js")).validateCommand(refs, o));

program
  .command("inventory")
  .description(t("help.inventoryCmd"))
  .requiredOption("-i, --inventory <file>", t("help.inventory"))
  .option("-l, --limit <pattern>", t("help.limitPattern"))
  .option("--json", t("help.json"))
  .option("--probe", t("help.probe"))
  .addOption(new Option("--forks <n>", t("help.forksProbe")).default(50).argParser((v) => positiveInt(v, "--forks")))
  .action(async (o: import("./commands/inventory.js").InventoryFlags) => (await import("./commands/inventory.js")).inventoryCommand(o));

/** Options shared by every command that executes a playbook (run, plan, apply). */
function withExecOptions(cmd: Command): Command {
  return cmd
    .option("-D, --diff", t("help.diff"))
    .addOption(new Option("--forks <n>", t("help.forks")).default(50).argParser((v) => positiveInt(v, "--forks")))
    .addOption(new Option("--host-key-checking <policy>", t("help.hostKeyChecking")).choices(["strict", "accept-new", "off"]))
    .option("--ssh-config <file>", t("help.sshConfig"))
    .option("--backup-dir <dir>", t("help.backupDir"), "/var/tmp/bkplay")
    .addOption(new Option("--lock-timeout <seconds>", t("help.lockTimeout")).default(60).argParser((v) => positiveInt(v, "--lock-timeout")))
    .option("--serial <sizes>", t("help.serial"))
    .addOption(new Option("--max-fail-percentage <p>", t("help.maxFail")).argParser((v) => percentage(v)))
    .option("--window <HH:MM-HH:MM>", t("help.window"))
    .option("--tz <zone>", t("help.tz"))
    .option("--confirm-each-batch", t("help.confirmEachBatch"))
    .option("--partial", t("help.partial"))
    .option("--log-dir <dir>", t("help.logDir"))
    .option("--json", t("help.jsonReport"))
    .option("-v, --verbose", t("help.verbose"));
}

/** How a plan is applied is decided when it is applied: `plan` would otherwise take these and drop them. */
const APPLY_ONLY = { serial: "--serial", maxFailPercentage: "--max-fail-percentage", window: "--window", tz: "--tz", confirmEachBatch: "--confirm-each-batch" } as const;

function refuseApplyOnly(opts: Record<string, unknown>): void {
  const given = Object.entries(APPLY_ONLY).filter(([key]) => opts[key] !== undefined).map(([, flag]) => flag);
  if (given.length === 0) return;
  throw new InputError(t(given.length > 1 ? "help.applyOnly.many" : "help.applyOnly.one", { flags: given.join(", ") }));
}

const inputOptions = (cmd: Command): Command =>
  cmd
    .requiredOption("-i, --inventory <file>", t("help.inventory"))
    .option("-e, --extra-var <name=value>", t("help.extraVar"), collect, [])
    .option("--vars-file <file>", t("help.varsFile"))
    .option("-l, --limit <pattern>", t("help.limit"));

withExecOptions(
  inputOptions(program.command("run").description(t("help.run")).argument("<playbook>", t("help.playbooks"))).option(
    "-C, --check",
    t("help.check"),
  ),
).action(async (ref: string, o: import("./commands/run.js").RunFlags) => (await import("./commands/run.js")).runCommand(ref, o));

withExecOptions(
  inputOptions(program.command("plan").description(t("help.plan")).argument("<playbook>", t("help.playbooks")))
    .requiredOption("-o, --output <file>", t("help.output"))
    .option("--report <file>", t("help.report"))
    .addOption(new Option("--valid-for <duration>", t("help.validFor")).argParser((v) => parseDuration(v, "--valid-for")))
    .option("--signer-principal <name>", t("help.signerPrincipalPlan")),
)
  .hook("preAction", (cmd) => refuseApplyOnly(cmd.opts()))
  .action(async (ref: string, o: import("./commands/plan.js").PlanFlags) => (await import("./commands/plan.js")).planCommand(ref, o));

withExecOptions(
  program
    .command("apply")
    .description(t("help.apply"))
    .argument("<plan>", t("help.planFile"))
    .option("-e, --extra-var <name=value>", t("help.secretVars"), collect, [])
    .option("--vars-file <file>", t("help.secretVarsFile"))
    .addOption(new Option("--allow-drift <mode>", t("help.allowDrift")).choices(["replan"]))
    .option("--allowed-signers <file>", t("help.allowedSigners"))
    .addOption(new Option("--require-approvals <n>", t("help.requireApprovals")).argParser((v) => positiveInt(v, "--require-approvals")))
    .option("--allow-self-approval", t("help.allowSelfApproval")),
).action(async (file: string, o: import("./commands/apply.js").ApplyFlags) => (await import("./commands/apply.js")).applyCommand(file, o));

program
  .command("approve")
  .description(t("help.approve"))
  .argument("<plan>", t("help.planFile"))
  .option("--key <file>", t("help.key"))
  .option("--signer-principal <name>", t("help.signerPrincipal"))
  .option("-y, --yes", t("help.yesApprove"))
  .action(async (file: string, o: import("./commands/approve.js").ApproveFlags) => (await import("./commands/approve.js")).approveCommand(file, o));

program
  .command("rollback")
  .description(t("help.rollback"))
  .argument("<run-id>", t("help.runId"))
  .option("-C, --check", t("help.rollbackCheck"))
  .option("-y, --yes", t("help.yesRollback"))
  .option("--force", t("help.force"))
  .addOption(new Option("--forks <n>", t("help.forks")).default(50).argParser((v) => positiveInt(v, "--forks")))
  .addOption(new Option("--lock-timeout <seconds>", t("help.lockTimeout")).default(60).argParser((v) => positiveInt(v, "--lock-timeout")))
  .addOption(new Option("--host-key-checking <policy>", t("help.hostKeyChecking")).choices(["strict", "accept-new", "off"]))
  .option("--ssh-config <file>", t("help.sshConfig"))
  .option("--log-dir <dir>", t("help.logDir"))
  .option("--json", t("help.rollbackJson"))
  .option("-v, --verbose", t("help.verboseShort"))
  .action(async (runId: string, o: import("./commands/rollback.js").RollbackFlags) => (await import("./commands/rollback.js")).rollbackCommand(runId, o));

program
  .command("history")
  .description(t("help.history"))
  .option("--log-dir <dir>", t("help.logDir"))
  .addOption(new Option("--last <n>", t("help.last")).default(20).argParser((v) => positiveInt(v, "--last")))
  .option("--json", t("help.json"))
  .action(async (o: { logDir?: string; json?: boolean; last: number }) => (await import("./commands/history.js")).historyCommand(o));

program
  .command("doctor")
  .description(t("help.doctor"))
  .requiredOption("-i, --inventory <file>", t("help.inventory"))
  .option("-l, --limit <pattern>", t("help.limit"))
  .option("--only <ids>", t("help.only"))
  .option("--skip <ids>", t("help.skip"))
  .option("--json", t("help.doctorJson"))
  .option("--report <file>", t("help.doctorReport"))
  .option("--strict", t("help.strict"))
  .addOption(new Option("--forks <n>", t("help.forksRead")).default(50).argParser((v) => positiveInt(v, "--forks")))
  .addOption(new Option("--timeout <seconds>", t("help.timeout")).default(30).argParser((v) => positiveInt(v, "--timeout")))
  .action(async (o: import("./commands/doctor.js").DoctorFlags) => (await import("./commands/doctor.js")).doctorCommand(o));

const sandbox = program.command("sandbox").description(t("help.sandbox"));
sandbox
  .command("up")
  .description(t("help.sandboxUp"))
  .addOption(new Option("--hosts <n>", t("help.hosts")).default(5).argParser((v) => positiveInt(v, "--hosts")))
  .option("--dir <dir>", t("help.fleetDir"), ".sandbox")
  .addOption(new Option("--backend <backend>", t("help.backend")).choices(["auto", "sshd", "ssh2"]).default("auto"))
  .addOption(new Option("--generation <generation>", t("help.generation")).choices(["oss", "ce5", "ce6", "ce7", "mixed"]).default("ce5"))
  .action(async (o: { hosts: number; dir: string; backend: "auto" | "sshd" | "ssh2"; generation: "oss" | "ce5" | "ce6" | "ce7" | "mixed" }) => (await import("./commands/sandbox.js")).sandboxUp(o));
sandbox
  .command("down")
  .description(t("help.sandboxDown"))
  .option("--dir <dir>", t("help.fleetDir"), ".sandbox")
  .action(async (o: { dir: string }) => (await import("./commands/sandbox.js")).sandboxDown(o));

function percentage(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError(t("help.percentage", { value: v }));
  return n;
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(t("help.positiveInt", { flag, value: v }));
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
