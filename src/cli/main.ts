import { Command, InvalidArgumentError, Option } from "commander";
import { handleError } from "./handle-error.js";

const EXIT_CODES = `
Exit codes:
  0  every host ok (or changed)
  1  a host failed or was unreachable, or a cross-host condition refused the run (nothing changed then)
  2  bad input (playbook, inventory, variables, flags): nothing was contacted
  3  refused: a host's files changed since they were planned (drift); that host was left untouched`;

const program = new Command("bkplay")
  .description("Idempotent remediations for BlueKing PaaS deployments, over SSH. Exact in --check --diff.")
  .version("0.1.0")
  .showSuggestionAfterError()
  .addHelpText("after", EXIT_CODES);

const collect = (value: string, previous: string[]): string[] => [...previous, value];

program
  .command("list")
  .description("list the shipped playbooks with their variables")
  .option("--json", "machine-readable output")
  .action(async (o: { json?: boolean }) => (await import("./commands/list.js")).listCommand(o));

program
  .command("validate")
  .description("check playbooks (a bare name is a shipped playbook) and, with -i, render them for every host")
  .argument("<playbook...>", "shipped playbook name or path to a .yaml file")
  .option("-i, --inventory <file>", "inventory: native hosts.yaml, Ansible YAML, or BlueKing install.config")
  .option("-e, --extra-var <name=value>", "set a variable (repeatable)", collect, [])
  .option("--vars-file <file>", "YAML file of variables")
  .action(async (refs: string[], o: { inventory?: string; extraVar: string[]; varsFile?: string }) => (await import("./commands/validate.js")).validateCommand(refs, o));

program
  .command("inventory")
  .description("show hosts with address, port, user, groups and merged variables")
  .requiredOption("-i, --inventory <file>", "inventory file")
  .option("--limit <pattern>", "hosts, groups, globs, !exclusions, a,b lists")
  .option("--json", "machine-readable output")
  .action(async (o: { inventory: string; limit?: string; json?: boolean }) => (await import("./commands/inventory.js")).inventoryCommand(o));

program
  .command("run")
  .description("run a playbook: probe every host in one round trip, plan, apply in one more")
  .argument("<playbook>", "shipped playbook name or path to a .yaml file")
  .requiredOption("-i, --inventory <file>", "inventory file")
  .option("-e, --extra-var <name=value>", "set a variable (repeatable)", collect, [])
  .option("--vars-file <file>", "YAML file of variables")
  .option("--limit <pattern>", "restrict to these hosts/groups")
  .option("--check", "plan only: show what would change, write nothing")
  .option("--diff", "show unified diffs of every file change (identical diffs grouped across hosts)")
  .addOption(new Option("--forks <n>", "hosts worked on at once").default(50).argParser((v) => positiveInt(v, "--forks")))
  .addOption(new Option("--host-key-checking <policy>", "override the inventory: strict | accept-new | off").choices(["strict", "accept-new", "off"]))
  .option("--backup-dir <dir>", "remote directory for backups (per run id)", "/var/tmp/bkplay")
  .option("--json", "print a machine-readable report instead of progress and recap")
  .action(async (ref: string, o: import("./commands/run.js").RunFlags) => (await import("./commands/run.js")).runCommand(ref, o));

const sandbox = program.command("sandbox").description("the built-in sandbox fleet: SSH hosts on 127.0.0.1, each with a BlueKing tree");
sandbox
  .command("up")
  .description("start the fleet and write hosts.yaml and known_hosts into --dir")
  .addOption(new Option("--hosts <n>", "number of hosts").default(5).argParser((v) => positiveInt(v, "--hosts")))
  .option("--dir <dir>", "fleet directory", ".sandbox")
  .addOption(new Option("--backend <backend>", "sshd (OpenSSH) or ssh2 (in-process); auto picks sshd when installed").choices(["auto", "sshd", "ssh2"]).default("auto"))
  .action(async (o: { hosts: number; dir: string; backend: "auto" | "sshd" | "ssh2" }) => (await import("./commands/sandbox.js")).sandboxUp(o));
sandbox
  .command("down")
  .description("stop the fleet started in --dir")
  .option("--dir <dir>", "fleet directory", ".sandbox")
  .action(async (o: { dir: string }) => (await import("./commands/sandbox.js")).sandboxDown(o));

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer, got '${v}'`);
  return n;
}

program.exitOverride();
program.configureOutput({ outputError: (s, write) => write(s) });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = handleError(err);
}
