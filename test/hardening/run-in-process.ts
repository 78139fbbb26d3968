import { newRunId } from "../../src/cli/commands/run.js";
import { loadInputs } from "../../src/cli/load-inputs.js";
import { localContext } from "../../src/engine/build-work.js";
import type { RunReport } from "../../src/engine/results.js";
import { runPlaybook, type RunEvent } from "../../src/engine/run-playbook.js";
import { connect as connectTransport } from "../../src/transport/connect.js";
import type { ConnectSpec, Transport } from "../../src/transport/types.js";

export interface Hooks {
  /** Called with the host's name after its probe (its first exec) has returned, before anything is applied. */
  afterProbe?: (host: string) => void;
  onEvent?: (event: RunEvent) => void;
  /** Called with the host's name on each connection made, and on each exec (round trip) over it. */
  onConnect?: (host: string) => void;
  onExec?: (host: string) => void;
}

/** The engine in this process, over the real SSH transport, with hooks at points the CLI cannot reach. */
export function runInProcess(playbook: string, inventory: string, extraVar: string[], limit: string, hooks: Hooks): Promise<RunReport> {
  const { playbook: pb, built } = loadInputs(playbook, { inventory, extraVar, limit });
  const connect = async (spec: ConnectSpec): Promise<Transport> => {
    const t = await connectTransport(spec);
    hooks.onConnect?.(spec.name);
    let execs = 0;
    return {
      host: t.host,
      close: () => t.close(),
      exec: async (command, options) => {
        hooks.onExec?.(spec.name);
        const result = await t.exec(command, options);
        if (execs++ === 0) hooks.afterProbe?.(spec.name);
        return result;
      },
    };
  };
  return runPlaybook(built.works, {
    playbook: pb,
    check: false,
    forks: 10,
    runId: newRunId(),
    backupRoot: "/var/tmp/bkplay",
    readLocal: localContext(pb.dir).readLocal,
    connect,
    ...(hooks.onEvent ? { onEvent: hooks.onEvent } : {}),
  });
}
