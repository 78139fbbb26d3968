/** Display width in terminal cells: CJK and fullwidth characters take two, combining marks and ANSI colours none. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** East Asian Wide and Fullwidth ranges (Unicode 15, UAX #11) that bkplay's texts can contain. */
const WIDE: readonly [number, number][] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

const isWide = (cp: number): boolean => WIDE.some(([lo, hi]) => cp >= lo && cp <= hi);
const isZeroWidth = (cp: number): boolean => (cp >= 0x300 && cp <= 0x36f) || cp === 0x200b || (cp >= 0xfe00 && cp <= 0xfe0f);

export function cells(s: string): number {
  let n = 0;
  for (const ch of s.replace(ANSI, "")) {
    const cp = ch.codePointAt(0) ?? 0;
    n += isZeroWidth(cp) ? 0 : isWide(cp) ? 2 : 1;
  }
  return n;
}

/** `s` padded with spaces to `width` cells (as String#padEnd would in code units). */
export const padCells = (s: string, width: number): string => s + " ".repeat(Math.max(0, width - cells(s)));
