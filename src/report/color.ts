import { styleText } from "node:util";

type Style = Parameters<typeof styleText>[0];

/** Colour only on a TTY, never when NO_COLOR is set. */
export function painter(stream: NodeJS.WriteStream): (style: Style, text: string) => string {
  const on = stream.isTTY && !process.env.NO_COLOR;
  return (style, text) => (on ? styleText(style, text) : text);
}
