/** One `key = value` line of an LXC-tools config, in file order. */
export interface LxcConfigEntry {
  key: string;
  value: string;
}

/** Parses LXC-tools config text: `key = value` lines, `#` comments and blank lines ignored. */
export function parseLxcConfig(text: string): LxcConfigEntry[] {
  const entries: LxcConfigEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    entries.push({ key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return entries;
}

/** The last value for any of `keys` (v2 and v3 names), or undefined. */
export function lastValue(entries: LxcConfigEntry[], ...keys: string[]): string | undefined {
  let found: string | undefined;
  for (const e of entries) if (keys.includes(e.key)) found = e.value;
  return found;
}

/** Every value for any of `keys`, in file order. */
export function allValues(entries: LxcConfigEntry[], ...keys: string[]): string[] {
  return entries.filter((e) => keys.includes(e.key)).map((e) => e.value);
}
