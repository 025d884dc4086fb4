/** virsh's global options after parsing (tools/virsh.c, virshParseArgv). */
export interface GlobalOptions {
  connect?: string;
  quiet: boolean;
  readonly: boolean;
  timing: boolean;
  keepaliveInterval?: number;
  keepaliveCount?: number;
  /** `-e`: the console's escape sequence, `^]` unless given. */
  escape?: string;
  /** Words after the options: a command string, or a command and its arguments. */
  rest: string[];
}

/** What the global options ask for besides running commands. */
export type GlobalParse =
  | { kind: 'run'; options: GlobalOptions; warnings: string[] }
  | { kind: 'help' }
  | { kind: 'version'; long: boolean }
  | { kind: 'error'; message: string };

interface Spec {
  short: string;
  long: string;
  arg: 'none' | 'required' | 'optional';
}

const SPECS: readonly Spec[] = [
  { short: 'c', long: 'connect', arg: 'required' },
  { short: 'd', long: 'debug', arg: 'required' },
  { short: 'e', long: 'escape', arg: 'required' },
  { short: 'h', long: 'help', arg: 'none' },
  { short: 'k', long: 'keepalive-interval', arg: 'required' },
  { short: 'K', long: 'keepalive-count', arg: 'required' },
  { short: 'l', long: 'log', arg: 'required' },
  { short: 'q', long: 'quiet', arg: 'none' },
  { short: 'r', long: 'readonly', arg: 'none' },
  { short: 't', long: 'timing', arg: 'none' },
  { short: 'v', long: '', arg: 'none' },
  { short: 'V', long: '', arg: 'none' },
  { short: '', long: 'version', arg: 'optional' },
];

/** One option occurrence as getopt_long returns it. */
type Occurrence = { spec: Spec; value: string | undefined } | { error: string };

/**
 * Parses the global options the way virsh's getopt_long("+:c:d:e:hk:K:l:qrtvV") does:
 * stops at the first non-option, accepts `-cURI`, `-c URI`, `--connect=URI`,
 * `--connect URI`, clustered flags (`-qr`) and unambiguous long prefixes.
 */
export function parseGlobalOptions(argv: readonly string[]): GlobalParse {
  const options: GlobalOptions = { quiet: false, readonly: false, timing: false, rest: [] };
  const warnings: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') {
      i++;
      break;
    }
    if (!word.startsWith('-') || word === '-') break;
    const found = word.startsWith('--') ? readLong(word, argv, i) : readShort(word, argv, i);
    i = found.next;
    for (const occurrence of found.occurrences) {
      if ('error' in occurrence) return { kind: 'error', message: occurrence.error };
      const outcome = apply(occurrence.spec, occurrence.value, options, warnings);
      if (outcome) return outcome;
    }
  }
  options.rest = argv.slice(i);
  return { kind: 'run', options, warnings };
}

function readLong(word: string, argv: readonly string[], index: number) {
  const eq = word.indexOf('=');
  const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
  const exact = SPECS.find((s) => s.long === name);
  const candidates = exact ? [exact] : SPECS.filter((s) => s.long !== '' && s.long.startsWith(name));
  const spec = candidates.length === 1 ? candidates[0] : undefined;
  if (!spec) return { next: index, occurrences: [{ error: `unsupported option '${word}'. See --help.` }] };
  if (spec.arg === 'none' && eq >= 0) {
    return { next: index, occurrences: [{ error: `unsupported option '${word}'. See --help.` }] };
  }
  let value = eq < 0 ? undefined : word.slice(eq + 1);
  let next = index;
  if (spec.arg === 'required' && value === undefined) {
    value = argv[index + 1];
    next = index + 1;
    if (value === undefined) return { next, occurrences: [{ error: missingArgument(spec) }] };
  }
  return { next, occurrences: [{ spec, value }] };
}

function readShort(word: string, argv: readonly string[], index: number) {
  const occurrences: Occurrence[] = [];
  let next = index;
  for (let j = 1; j < word.length; j++) {
    const spec = SPECS.find((s) => s.short === word[j]);
    if (!spec) {
      occurrences.push({ error: `unsupported option '-${word[j]}'. See --help.` });
      break;
    }
    if (spec.arg !== 'required') {
      occurrences.push({ spec, value: undefined });
      continue;
    }
    let value: string | undefined = word.slice(j + 1);
    if (value === '') {
      value = argv[index + 1];
      next = index + 1;
    }
    occurrences.push(value === undefined ? { error: missingArgument(spec) } : { spec, value });
    break;
  }
  return { next, occurrences };
}

function missingArgument(spec: Spec): string {
  return `option '-${spec.short}'/'--${spec.long}' requires an argument`;
}

/** Records one option; returns an outcome that ends option parsing. */
function apply(
  spec: Spec,
  value: string | undefined,
  options: GlobalOptions,
  warnings: string[],
): GlobalParse | undefined {
  switch (spec.short || spec.long) {
    case 'c':
      options.connect = value;
      return undefined;
    case 'd':
      return debugLevel(value as string, warnings);
    case 'e':
      if (!validEscape(value as string))
        return { kind: 'error', message: `Invalid string '${value}' for escape sequence` };
      options.escape = value;
      return undefined;
    case 'h':
      return { kind: 'help' };
    case 'k':
    case 'K':
      return keepalive(spec.short, value as string, options);
    case 'q':
      options.quiet = true;
      return undefined;
    case 'r':
      options.readonly = true;
      return undefined;
    case 't':
      options.timing = true;
      return undefined;
    case 'v':
      return { kind: 'version', long: false };
    case 'V':
      return { kind: 'version', long: true };
    case 'version':
      return { kind: 'version', long: value === 'long' };
    default:
      // -l FILE: virtkit keeps no log file; the option is accepted for compatibility.
      return undefined;
  }
}

function debugLevel(value: string, warnings: string[]): GlobalParse | undefined {
  if (!/^\s*[+-]?\d+$/.test(value)) return { kind: 'error', message: 'option -d takes a numeric argument' };
  const level = Number(value);
  if (level < 0 || level > 4) warnings.push(`ignoring debug level ${level} out of range [0-4]`);
  return undefined;
}

function validEscape(value: string): boolean {
  return value.length === 1 || (value.length === 2 && value[0] === '^');
}

function keepalive(which: string, value: string, options: GlobalOptions): GlobalParse | undefined {
  if (!/^\s*[+-]?\d+$/.test(value)) return { kind: 'error', message: `Invalid value for option -${which}` };
  const number = Number(value);
  if (number < 0) return { kind: 'error', message: `option -${which} requires a positive integer argument` };
  if (which === 'k') options.keepaliveInterval = number;
  else options.keepaliveCount = number;
  return undefined;
}
