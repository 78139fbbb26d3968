import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { PaasGeneration as Generation } from "../../src/generations/layouts.js";
import type { SandboxHost } from "../../src/sandbox/fleet-files.js";
import { paasGeneration } from "./fleet.js";

/** Where each generation keeps the login app and its virtualenv (README, "Generations": bk.login_dir, bk.login_venv). */
export const LOGIN: Record<Generation, { dir: string; venv: string }> = {
  oss: { dir: "open_paas/src/login", venv: "open_paas/Envs/login" },
  ce5: { dir: "open_paas/login", venv: ".envs/login" },
  ce6: { dir: "open_paas/login", venv: ".envs/open_paas-login" },
};

/** Runs Python code in the host's login app, as its own Django (BK_ENV=production), with `env` added. */
function django(h: SandboxHost, code: string, env: Record<string, string> = {}): string {
  const l = LOGIN[paasGeneration(h)];
  return execFileSync(join(h.root, l.venv, "bin/python"), ["-B", "manage.py", "shell", "-c", code], {
    cwd: join(h.root, l.dir),
    env: { ...process.env, ...env, BK_ENV: "production" },
    encoding: "utf8",
  });
}

/** The login app's database and users, as an install leaves them: `manage.py migrate`, then BkUser's create_user. */
export function seedLoginUsers(h: SandboxHost, users: Record<string, string>): void {
  const l = LOGIN[paasGeneration(h)];
  execFileSync(join(h.root, l.venv, "bin/python"), ["-B", "manage.py", "migrate", "--run-syncdb", "-v", "0"], { cwd: join(h.root, l.dir), env: { ...process.env, BK_ENV: "production" } });
  django(h, "import json, os\nfrom bkaccount.models import BkUser\nfor u, p in json.loads(os.environ['USERS']).items(): BkUser.objects.create_user(u, p)", { USERS: JSON.stringify(users) });
}

/** Whether the login app's Django accepts `password` for `username` (its hasher's check_password, which writes nothing). */
export function passwordMatches(h: SandboxHost, username: string, password: string): boolean {
  const code = "import os\nfrom django.contrib.auth.hashers import check_password\nfrom bkaccount.models import BkUser\nprint(check_password(os.environ['P'], BkUser.objects.get(username=os.environ['U']).password))";
  const out = django(h, code, { U: username, P: password });
  return out.trim() === "True";
}
