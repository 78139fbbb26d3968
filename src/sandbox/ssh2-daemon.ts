/** Entry of the detached process that keeps an ssh2 sandbox fleet running after `bkplay sandbox up` exits. */
import { serveSsh2Hosts } from "./ssh2-server.js";
import type { SandboxServerHost } from "./server-host.js";

interface DaemonArgs {
  hosts: SandboxServerHost[];
  clientPublicKeyFile: string;
}

const args = JSON.parse(process.argv[2] ?? "{}") as DaemonArgs;
const fleet = await serveSsh2Hosts(args.hosts, args.clientPublicKeyFile);
// The parent reads this one line to learn the ports, then lets go of the pipe.
process.stdout.write(`${JSON.stringify(fleet.hosts)}\n`);
process.stdout.on("error", () => undefined);
process.once("SIGTERM", () => {
  void fleet.close().then(() => process.exit(0));
});
