// Reading an input file (scenario, baseline) without trusting its size: a device such as
// /dev/zero or a FIFO has none, and a 6 GB read is an outage, not an error message.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Every input rcupool reads whole is refused past this (traces, when they come, are streamed). */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export class InputTooLargeError extends Error {
  override name = 'InputTooLargeError';
}

/** The file as UTF-8 without a leading BOM; InputTooLargeError past `maxBytes`; fs errors as thrown. */
export function readTextAtMost(file: string, maxBytes = MAX_INPUT_BYTES): string {
  const fd = openSync(file, 'r');
  try {
    if (fstatSync(fd).isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read`), { code: 'EISDIR' });
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > maxBytes) throw new InputTooLargeError(`larger than the ${maxBytes / 1048576} MiB input limit`);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    closeSync(fd);
  }
}
