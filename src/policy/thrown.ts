// Turning whatever policy code threw into one safe, short line. A policy may throw a Proxy whose
// every trap throws, an object with a throwing toString, or a 100 kB message: none of that may
// reach a report, a table row or a stack trace.

/** The longest line rcupool prints about one failure (the limit, "…" included). */
export const MAX_MESSAGE_CHARS = 200;

/** First line, control characters and runs of spaces collapsed, cut to `max` characters with "…". */
export function clipLine(text: string, max = MAX_MESSAGE_CHARS): string {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = firstLine.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s{2,}/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/** The message of a thrown value, never throwing itself, at most `max` characters. */
export function describeThrown(value: unknown, max = MAX_MESSAGE_CHARS): string {
  try {
    if (value instanceof Error) {
      const message = value.message;
      return clipLine(typeof message === 'string' && message !== '' ? message : String(value.name), max);
    }
    if (typeof value === 'string') return clipLine(value, max);
    if (value === null || value === undefined || typeof value !== 'object') return clipLine(String(value), max);
    const message = (value as { message?: unknown }).message;
    if (typeof message === 'string') return clipLine(message, max);
    return clipLine(String(value), max);
  } catch {
    return 'a value that cannot be shown (reading it threw)';
  }
}

/** A plain Error carrying describeThrown()'s line: safe to wrap, print and post between threads. */
export function safeError(value: unknown, max = MAX_MESSAGE_CHARS): Error {
  return new Error(describeThrown(value, max));
}
