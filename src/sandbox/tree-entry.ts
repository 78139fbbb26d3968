/** One thing the sandbox tree writer creates, relative to a host's install root. */
export type TreeEntry =
  | { kind: "file"; path: string; content: string; mode?: number }
  | { kind: "dir"; path: string }
  | { kind: "symlink"; path: string; target: string };

/** The license header every open_paas Python file carries. */
export const PY_HEADER = `# -*- coding: utf-8 -*-
"""
Tencent is pleased to support the open source community by making 蓝鲸智云PaaS平台社区版 (BlueKing PaaS Community Edition) available.
Copyright (C) 2017-2018 THL A29 Limited, a Tencent company. All rights reserved.
Licensed under the MIT License (the "License"); you may not use this file except in compliance with the License.
You may obtain a copy of the License at http://opensource.org/licenses/MIT
Unless required by applicable law or agreed to in writing, software distributed under the License is distributed on
an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for the
specific language governing permissions and limitations under the License.
"""
`;

/** A stand-in for a service control script: it records how it was called, relative to its own install root. */
export function standInScript(upLevels: number, log: string, what: string): string {
  return `#!/bin/bash
# bkplay sandbox stand-in for ${what}: records the request instead of touching services.
ROOT="$(cd "$(dirname "$0")/${Array<string>(upLevels).fill("..").join("/")}" && pwd)"
mkdir -p "$ROOT/logs"
echo "$*" >> "$ROOT/logs/${log}"
exit 0
`;
}
