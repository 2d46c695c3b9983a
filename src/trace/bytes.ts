// Looking at a capture's bytes in place. The reader parses each line inside the read buffer,
// so a line costs no string until it holds an event rcupool uses, and then only the fields it
// keeps. A byte is a latin1 character: everything parsed is ASCII, and the one line ever shown
// (the first skipped) is decoded as UTF-8 for it.

export const CODE_SPACE = 32;
export const CODE_0 = 48;
export const CODE_9 = 57;
export const CODE_COLON = 58;

export function isDigit(code: number): boolean {
  return code >= CODE_0 && code <= CODE_9;
}

/** Whether bytes[at, to) begins with `text`. */
export function startsWithText(bytes: Uint8Array, at: number, to: number, text: string): boolean {
  if (at < 0 || to - at < text.length) return false;
  for (let index = 0; index < text.length; index++) if (bytes[at + index] !== text.charCodeAt(index)) return false;
  return true;
}

/** Where `text` first lies wholly inside bytes[from, to), or -1. */
export function indexOfText(bytes: Uint8Array, text: string, from: number, to: number): number {
  const first = text.charCodeAt(0);
  for (let at = from; at <= to - text.length; at++) if (bytes[at] === first && startsWithText(bytes, at, to, text)) return at;
  return -1;
}

/** Where `code` first is in bytes[from, to), or -1. */
export function indexOfByte(bytes: Uint8Array, code: number, from: number, to: number): number {
  for (let at = from; at < to; at++) if (bytes[at] === code) return at;
  return -1;
}

/** Where `code` last is in bytes[from, to), or -1. */
export function lastIndexOfByte(bytes: Uint8Array, code: number, from: number, to: number): number {
  for (let at = to - 1; at >= from; at--) if (bytes[at] === code) return at;
  return -1;
}

/** The decimal number in bytes[start, end), or NaN. */
export function decimalAt(bytes: Uint8Array, start: number, end: number): number {
  if (end <= start) return NaN;
  let value = 0;
  for (let index = start; index < end; index++) {
    const code = bytes[index]!;
    if (code < CODE_0 || code > CODE_9) return NaN;
    value = value * 10 + code - CODE_0;
  }
  return value;
}

/** Hex digits summed exactly below 2^52; longer numbers go to parseInt, which rounds them correctly. */
const EXACT_HEX_DIGITS = 13;

/** The hex number (no "0x") in bytes[start, end), or NaN. */
export function hexAt(bytes: Buffer, start: number, end: number): number {
  if (end <= start) return NaN;
  let value = 0;
  for (let index = start; index < end; index++) {
    const code = bytes[index]!;
    const digit = code >= CODE_0 && code <= CODE_9 ? code - CODE_0 : code >= 97 && code <= 102 ? code - 87 : code >= 65 && code <= 70 ? code - 55 : -1;
    if (digit < 0) return NaN;
    value = value * 16 + digit;
  }
  return end - start > EXACT_HEX_DIGITS ? parseInt(latin1(bytes, start, end), 16) : value;
}

export function latin1(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('latin1', start, end);
}

/** Strings a RepeatedText remembers: enough for "start" and "end", or a few workqueues. */
const REPEATED_SLOTS = 4;

/**
 * The strings last cut for a field, handed out again while the bytes repeat one of them: a
 * capture names a handful of RCU flavors, GP events, workqueues and GFP flag sets millions of
 * times.
 */
export class RepeatedText {
  private readonly recent: string[] = [];
  private next = 0;

  of(bytes: Buffer, start: number, end: number): string {
    const recent = this.recent;
    for (let slot = 0; slot < recent.length; slot++) {
      const text = recent[slot]!;
      if (text.length === end - start && startsWithText(bytes, start, end, text)) return text;
    }
    const text = latin1(bytes, start, end);
    recent[this.next] = text;
    this.next = (this.next + 1) % REPEATED_SLOTS;
    return text;
  }
}
