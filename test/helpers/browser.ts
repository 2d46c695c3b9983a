// Headless Chromium for the browser test: Debian's `chromium` package driven by puppeteer-core
// (which downloads no browser of its own). .ci/run installs the package when it is missing.
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium binary, or an error that says how to get it: the test never skips silently. */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  const found = fromEnv ? [fromEnv].find(existsSync) : CANDIDATES.find(existsSync);
  if (!found) {
    throw new Error(
      `Chromium not found (${fromEnv ? `CHROMIUM_PATH=${fromEnv}` : CANDIDATES.join(', ')}): the browser test needs Debian's chromium package; ` +
        '.ci/run installs it (apt-get update && apt-get install -y chromium), or set CHROMIUM_PATH',
    );
  }
  return found;
}
