import { StepError } from "../errors.js";
import { t } from "../i18n/t.js";
import { shellQuote as q } from "./shell-quote.js";
import { MASK } from "./sql-secrets.js";
import type { Change, StepType } from "./types.js";

export interface DjangoPasswordParams {
  /** The Django project's folder (manage.py, the settings module): commands run there, as manage.py would. */
  app: string;
  /** The project's Python (its virtualenv's bin/python). */
  python: string;
  /** DJANGO_SETTINGS_MODULE, as the project's manage.py sets it. */
  settings?: string;
  /** The user model, `module.Class`. */
  model: string;
  username: string;
  password: string;
  /** Environment the project needs (e.g. BK_ENV: production). */
  env?: Record<string, string>;
}

/**
 * Runs in the project's Python 2 or 3: Django set up as manage.py does it, the model's own manager and the user's
 * set_password. The password comes on stdin, never in argv. `check` asks Django's hasher check_password, not the
 * user's: that one saves a re-hashed password when the hasher changed, a write a probe must not make.
 * Args: settings module, model, check|set, username. Prints `bkplay:same`, `bkplay:differs` or `bkplay:set N`;
 * exit 3 when no such user.
 */
const SCRIPT = `import os, sys
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", sys.argv[1])
import django
django.setup()
from django.contrib.auth.hashers import check_password
module, name = sys.argv[2].rsplit(".", 1)
model = getattr(__import__(module, fromlist=[name]), name)
raw = getattr(sys.stdin, "buffer", sys.stdin).read().decode("utf-8")
users = list(model.objects.filter(**{model.USERNAME_FIELD: sys.argv[4]}))
if not users:
    sys.stderr.write("no %s with %s %r\\n" % (name, model.USERNAME_FIELD, str(sys.argv[4])))
    sys.exit(3)
if sys.argv[3] == "check":
    print("bkplay:" + ("same" if all(check_password(raw, u.password) for u in users) else "differs"))
else:
    for u in users:
        u.set_password(raw)
        u.save()
    print("bkplay:set %d" % len(users))
`;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function command(p: DjangoPasswordParams, mode: "check" | "set"): string {
  const env = Object.entries(p.env ?? {}).map(([k, v]) => `${k}=${q(v)} `).join("");
  // -B: importing the project writes no .pyc into it (a probe changes nothing on the host).
  return `cd ${q(p.app)} && ${env}${q(p.python)} -B -c ${q(SCRIPT)} ${[p.settings ?? "settings", p.model, mode, p.username].map(q).join(" ")}`;
}

const lastLine = (text: string): string => text.trim().split("\n").at(-1) ?? "";

export const djangoPassword: StepType<DjangoPasswordParams> = {
  name: "django_password",
  summary: "Set a user's password through the project's own Django (its Python, settings, user model and set_password), only when check_password says it differs; the password travels on stdin",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["app", "python", "model", "username", "password"],
    properties: {
      app: { type: "string", pattern: "^/", description: "The Django project's folder (manage.py and its settings); the commands run there" },
      python: { type: "string", pattern: "^/", description: "The project's Python, e.g. its virtualenv's bin/python" },
      settings: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_.]*$", description: "DJANGO_SETTINGS_MODULE as the project's manage.py sets it (default settings)" },
      model: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_.]*\\.[A-Za-z_][A-Za-z0-9_]*$", description: "The user model as module.Class, e.g. bkaccount.models.BkUser" },
      username: { type: "string", minLength: 1, description: "The user whose password is set" },
      password: { type: "string", minLength: 1, description: "Secret: sent on stdin, never in argv; use a secret variable" },
      env: { type: "object", propertyNames: { pattern: ENV_NAME.source }, additionalProperties: { type: "string" }, description: "Environment the project needs, e.g. {BK_ENV: production}" },
    },
  },
  probes: (p) => [{ kind: "command", command: command(p, "check"), stdin: p.password }],
  plan(p, facts) {
    const r = facts.command(command(p, "check"));
    const user = `${p.model.split(".").at(-1) ?? "user"} ${p.username}`;
    if (r.exitCode === 3) throw new StepError(t("dj.nothingToSet", { why: lastLine(r.stderr), app: p.app }));
    const verdict = lastLine(r.stdout);
    if (r.exitCode !== 0 || !/^bkplay:(same|differs)$/.test(verdict)) {
      throw new StepError(t("dj.askFailed", { why: lastLine(r.stderr) || `exit ${r.exitCode}`, python: p.python, app: p.app, user }));
    }
    if (verdict === "bkplay:same") return { changes: [], messages: [`${user}: check_password says it is already this one`] };
    const change: Change = {
      kind: "run",
      command: command(p, "set"),
      stdin: p.password,
      reason: `${user}: check_password says it differs`,
      display: `${p.python} in ${p.app}${Object.entries(p.env ?? {}).map(([k, v]) => ` ${k}=${v}`).join("")}: ${user}.set_password(${MASK}), save()`,
    };
    return { changes: [change] };
  },
};
