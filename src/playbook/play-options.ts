import type { SourceLocation } from "../errors.js";
import { readYamlFile } from "../source/yaml-file.js";
import type { Playbook } from "./types.js";

/** What a play says about its hosts beyond the pattern: whether it may match none, and where its `hosts:` is written. */
export interface PlayOptions {
  optional: boolean;
  location: SourceLocation;
}

/**
 * Per play, `optional:` and the place of its `hosts:` key, read from the playbook file (the loaded model keeps
 * neither). The file was validated when loaded, so each play is a mapping.
 */
export function playOptions(playbook: Playbook): PlayOptions[] {
  const source = readYamlFile(playbook.file);
  const plays = (source.data as { plays?: { optional?: unknown }[] }).plays ?? [];
  return playbook.plays.map((_, i) => ({ optional: plays[i]?.optional === true, location: source.locate(["plays", i, "hosts"]) }));
}
