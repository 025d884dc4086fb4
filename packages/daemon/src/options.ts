import { LOCK_FILE, VirtError } from '@virtkit/core';
import { LOG_LEVELS, type LogLevel, TLS_PORT } from '@virtkit/remote';
import type { DaemonPaths } from './daemon-paths.js';

/** What virtkitd was asked to do, from its command line. */
export interface DaemonOptions {
  readonly help: boolean;
  readonly version: boolean;
  /** Exit after this many seconds without clients (libvirtd's --timeout); undefined never. */
  readonly timeoutSeconds: number | undefined;
  /** Keep every socket, lock, certificate and driver directory under this directory. */
  readonly root: string | undefined;
  /** Also listen for TCP+TLS clients with certificates (libvirtd's --listen). */
  readonly listen: boolean;
  /** The TLS port (libvirtd.conf's tls_port). */
  readonly tlsPort: number;
  /** Serve one client on stdin/stdout, the far end of the ssh transport. */
  readonly stdio: boolean;
  readonly logFile: string | undefined;
  readonly logLevel: LogLevel;
}

interface OptionSpec {
  readonly long: string;
  readonly short?: string;
  /** Name of the value it takes, shown in --help; absent for a switch. */
  readonly value?: string;
  readonly help: string;
  /** The options it sets, from its value ('' for a switch). */
  readonly apply: (value: string) => Partial<DaemonOptions>;
}

type Mutable = { -readonly [K in keyof DaemonOptions]: DaemonOptions[K] };

// One table drives both parsing and --help, so the help documents every option.
const OPTIONS: readonly OptionSpec[] = [
  { long: 'help', short: 'h', help: 'Display program help', apply: () => ({ help: true }) },
  { long: 'version', short: 'V', help: 'Display version information', apply: () => ({ version: true }) },
  {
    long: 'timeout',
    short: 't',
    value: 'secs',
    help: 'Exit after timeout period without clients',
    apply: (v) => ({ timeoutSeconds: parseTimeout(v) }),
  },
  {
    long: 'root',
    value: 'dir',
    help: 'Keep sockets, lock, TLS files and driver state under <dir>',
    apply: (v) => ({ root: v }),
  },
  {
    long: 'listen',
    short: 'l',
    help: 'Listen for TCP/IP connections (TLS)',
    apply: () => ({ listen: true }),
  },
  {
    long: 'tls-port',
    value: 'port',
    help: `TCP port for --listen (default ${TLS_PORT})`,
    apply: (v) => ({ tlsPort: parsePort(v) }),
  },
  { long: 'stdio', help: 'Serve one client on stdin/stdout', apply: () => ({ stdio: true }) },
  {
    long: 'log-file',
    value: 'file',
    help: 'Append log messages to <file>',
    apply: (v) => ({ logFile: v }),
  },
  {
    long: 'log-level',
    value: 'level',
    help: `Least severe messages logged: ${LOG_LEVELS.join(', ')} (default warning)`,
    apply: (v) => ({ logLevel: parseLevel(v) }),
  },
];

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw usageError(`invalid port '${text}'`);
  return port;
}

function parseTimeout(text: string): number {
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds <= 0) throw usageError(`invalid timeout '${text}'`);
  return seconds;
}

function parseLevel(text: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(text)) throw usageError(`invalid log level '${text}'`);
  return text as LogLevel;
}

function usageError(message: string): VirtError {
  return new VirtError('INVALID_ARG', message, { verbatim: true });
}

function findOption(arg: string): OptionSpec | undefined {
  return OPTIONS.find((spec) => arg === `--${spec.long}` || (spec.short && arg === `-${spec.short}`));
}

/** Parses virtkitd's arguments; `--name=value` and `--name value` both work. */
export function parseOptions(args: readonly string[]): DaemonOptions {
  const options: Mutable = {
    help: false,
    version: false,
    timeoutSeconds: undefined,
    root: undefined,
    listen: false,
    tlsPort: TLS_PORT,
    stdio: false,
    logFile: undefined,
    logLevel: 'warning',
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const spec = findOption(name);
    if (!spec) throw usageError(`unknown option '${arg}'`);
    if (spec.value === undefined) {
      if (eq >= 0) throw usageError(`option '${name}' takes no value`);
      Object.assign(options, spec.apply(''));
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw usageError(`option '${name}' requires a value`);
    Object.assign(options, spec.apply(value));
  }
  return options;
}

/** virtkitd --help, in libvirtd's layout, with the paths this invocation would use. */
export function helpText(paths: DaemonPaths): string {
  const rows = OPTIONS.map((spec) => {
    const names = `${spec.short ? `-${spec.short} | ` : ''}--${spec.long}${spec.value ? ` <${spec.value}>` : ''}`;
    return `  ${names.padEnd(24)} ${spec.help}`;
  });
  return [
    '',
    'Usage:',
    '  virtkitd [options]',
    '',
    'Options:',
    ...rows,
    '',
    'virtkit management daemon:',
    '',
    '  Default paths:',
    '',
    '    Sockets:',
    `      ${paths.rwSocket}`,
    `      ${paths.roSocket}`,
    '',
    '    TLS:',
    `      CA certificate: ${paths.caCert}`,
    `      Server certificate: ${paths.serverCert}`,
    `      Server private key: ${paths.serverKey}`,
    '',
    '    Lock file:',
    `      ${paths.runDir}/${LOCK_FILE}`,
    '',
  ].join('\n');
}
