import { expect } from "chai";
import { djangoPassword, type DjangoPasswordParams } from "../../src/steps/django-password.js";
import type { StepContext } from "../../src/steps/types.js";
import { memoryFacts } from "../support/memory-facts.js";

const P: DjangoPasswordParams = { app: "/data/bkce/open_paas/login", python: "/data/bkce/.envs/login/bin/python", model: "bkaccount.models.BkUser", username: "admin", password: "n3w'Pass$(x)", env: { BK_ENV: "production" } };
const ctx: StepContext = { playbookDir: "/playbook", localSha256: () => "" };

/** The step planned over what its probe (Django's check_password) answered. */
function plan(answer: { exitCode: number; stdout?: string; stderr?: string }) {
  const [probe] = djangoPassword.probes(P, ctx);
  if (probe?.kind !== "command") throw new Error("a command probe");
  const { facts } = memoryFacts({ commands: { [probe.command]: answer } });
  return () => djangoPassword.plan(P, facts, ctx);
}

describe("step django_password", () => {
  it("the probe asks the project's Django in its folder, with its environment, the password on stdin only", () => {
    const [probe] = djangoPassword.probes(P, ctx);
    if (probe?.kind !== "command") throw new Error("a command probe");
    expect(probe.command).to.match(/^cd \/data\/bkce\/open_paas\/login && BK_ENV=production \/data\/bkce\/\.envs\/login\/bin\/python -B -c '.*' settings bkaccount\.models\.BkUser check admin$/s);
    expect(probe.stdin).to.equal(P.password);
    expect(probe.command).not.to.include(P.password);
  });

  it("the same password: nothing to do", () => {
    const p = plan({ exitCode: 0, stdout: "some warning\nbkplay:same\n" })();
    expect(p.changes).to.deep.equal([]);
    expect(p.messages).to.deep.equal(["BkUser admin: check_password says it is already this one"]);
  });

  it("another password: set_password and save, the password on stdin, shown masked", () => {
    const [c] = plan({ exitCode: 0, stdout: "bkplay:differs\n" })().changes;
    if (c?.kind !== "run") throw new Error("a command");
    expect(c.command).to.match(/ settings bkaccount\.models\.BkUser set admin$/);
    expect(c.command).not.to.include(P.password);
    expect(c.stdin).to.equal(P.password);
    expect(c.reason).to.equal("BkUser admin: check_password says it differs");
    expect(c.display).to.equal("/data/bkce/.envs/login/bin/python in /data/bkce/open_paas/login BK_ENV=production: BkUser admin.set_password(••••), save()");
  });

  it("no such user, or a Django that fails, refuses the host", () => {
    expect(plan({ exitCode: 3, stderr: "no BkUser with username 'admin'\n" })).to.throw("no BkUser with username 'admin' (/data/bkce/open_paas/login): nothing to set, nothing was changed");
    expect(plan({ exitCode: 1, stderr: "Traceback…\nModuleNotFoundError: No module named 'conf.settings_development'\n" })).to.throw(
      "ModuleNotFoundError: No module named 'conf.settings_development' — asking /data/bkce/.envs/login/bin/python in /data/bkce/open_paas/login for BkUser admin's password failed; nothing was changed",
    );
    expect(plan({ exitCode: 0, stdout: "nothing\n" })).to.throw("exit 0 — asking");
  });
});
