/** A text file as lines, remembering its line ending and whether it ended with one, to write it back alike. */
export interface TextLines {
  lines: string[];
  eol: "\n" | "\r\n";
  finalEol: boolean;
}

/** CRLF when the file already uses it, so inserted lines match their neighbours. */
export function detectEol(text: string): "\n" | "\r\n" {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

export function splitLines(text: string): TextLines {
  const eol = detectEol(text);
  if (text === "") return { lines: [], eol, finalEol: false };
  const lines = text.split(eol);
  const finalEol = lines[lines.length - 1] === "";
  if (finalEol) lines.pop();
  return { lines, eol, finalEol };
}

export function joinLines({ lines, eol, finalEol }: TextLines): string {
  return lines.join(eol) + (finalEol && lines.length > 0 ? eol : "");
}
