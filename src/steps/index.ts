import type { StepType } from "./types.js";
import { check } from "./check.js";
import { copy } from "./copy.js";
import { djangoPassword } from "./django-password.js";
import { fail } from "./fail.js";
import { file } from "./file.js";
import { hostsEntry } from "./hosts-entry.js";
import { http } from "./http.js";
import { jsonSet } from "./json-set.js";
import { line } from "./line.js";
import { nginxListen } from "./nginx-listen.js";
import { pyAssign } from "./py-assign.js";
import { replace } from "./replace.js";
import { run } from "./run.js";
import { service } from "./service.js";
import { sql } from "./sql.js";
import { staleSocket } from "./stale-socket.js";
import { swapDomain } from "./swap-domain.js";
import { unarchive } from "./unarchive.js";
import { warn } from "./warn.js";
import { yamlSet } from "./yaml-set.js";

/** Every host-local step type, by the key that selects it in a playbook. */
export const stepTypes: ReadonlyMap<string, StepType> = new Map(
  ([check, copy, djangoPassword, fail, file, hostsEntry, http, jsonSet, line, nginxListen, pyAssign, replace, run, service, sql, staleSocket, swapDomain, unarchive, warn, yamlSet] as StepType[]).map((s) => [s.name, s]),
);
