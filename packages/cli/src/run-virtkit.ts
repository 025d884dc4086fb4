import { COMMAND_GROUPS } from './commands/registry.js';
import { parseBatch, parseCommandString, runBatch } from './execute.js';
import { parseGlobalOptions } from './global-options.js';
import { formatUsage } from './help-format.js';
import type { VirtkitIo } from './io.js';
import { Session } from './session.js';
import { longVersion, VIRTKIT_VERSION } from './version.js';

/** virsh's keepalive when only one of -k/-K is given (virshConnect's defaults). */
const VIRSH_KEEPALIVE = { intervalSeconds: 5, count: 6 } as const;

/**
 * Runs virtkit as `virtkit [OPTIONS] [COMMAND_STRING | COMMAND ARGS…]` would run,
 * writing to `io` and resolving to the exit status. Without a command it starts the
 * interactive shell on `io.stdin`.
 */
export async function runVirtkit(argv: readonly string[], io: VirtkitIo): Promise<number> {
  const global = parseGlobalOptions(argv);
  if (global.kind === 'error') {
    io.stderr.write(`error: ${global.message}\n`);
    return 1;
  }
  if (global.kind === 'help') {
    io.stdout.write(formatUsage('virtkit', COMMAND_GROUPS));
    return 0;
  }
  if (global.kind === 'version') {
    io.stdout.write(global.long ? longVersion() : `${VIRTKIT_VERSION}\n`);
    return 0;
  }
  const { options, warnings } = global;
  for (const warning of warnings) io.stderr.write(`error: ${warning}\n`);
  // As in virsh, a URI given by -c (or VIRSH_DEFAULT_CONNECT_URI) is connected at once;
  // otherwise the first command that needs a connection opens the default.
  const explicitUri = options.connect ?? (io.env.VIRSH_DEFAULT_CONNECT_URI || undefined);
  const session = new Session(
    io,
    {
      uri: explicitUri,
      readonly: options.readonly,
      quiet: options.quiet,
      timing: options.timing,
      ...(options.escape !== undefined ? { escape: options.escape } : {}),
      keepalive:
        (options.keepaliveInterval ?? 0) > 0 ||
        (options.keepaliveCount !== undefined && options.keepaliveInterval !== 0)
          ? {
              intervalSeconds: options.keepaliveInterval ?? VIRSH_KEEPALIVE.intervalSeconds,
              count: options.keepaliveCount ?? VIRSH_KEEPALIVE.count,
            }
          : undefined,
    },
    COMMAND_GROUPS,
  );
  try {
    if (options.rest.length === 0) {
      const { runShell } = await import('./shell.js');
      return await runShell(session, explicitUri !== undefined);
    }
    const commands =
      options.rest.length === 1
        ? parseCommandString(session, options.rest[0] as string)
        : parseBatch(session, [options.rest]);
    if (!commands || options.rest[0] === '') return 1;
    if (explicitUri !== undefined && !(await session.tryConnect())) return 1;
    return (await runBatch(session, commands)) ? 0 : 1;
  } finally {
    await session.close();
  }
}
