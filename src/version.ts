// The tool's version, from the package.json that ships beside dist/.
import { readFileSync } from 'node:fs';

export const TOOL_VERSION: string = (() => {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const text = readFileSync(new URL(relative, import.meta.url), 'utf8');
      const parsed = JSON.parse(text) as { name?: string; version?: string };
      if (parsed.name === 'rcupool' && parsed.version) return parsed.version;
    } catch {
      // try the next place
    }
  }
  return '0.0.0';
})();
