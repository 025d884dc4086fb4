import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import { isVirtError } from '@virtkit/core';
import { type Logger, serveClient } from '@virtkit/remote';
import { createHub, Daemon } from './daemon.js';
import { daemonPaths } from './daemon-paths.js';
import { createLogger } from './file-logger.js';
import { type DaemonOptions, helpText, parseOptions } from './options.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Serves one client on stdin/stdout (the ssh transport's far end) and returns when it hangs up. */
async function serveStdio(hub: ReturnType<typeof createHub>, log: Logger): Promise<void> {
  const stream = Duplex.from({ readable: process.stdin, writable: process.stdout });
  await serveClient(stream, { readonly: false, hub, log });
  await hub.close();
}

/** Runs the daemon until SIGTERM, SIGINT or the idle timeout. */
async function runDaemon(options: DaemonOptions, daemon: Daemon, log: Logger): Promise<void> {
  const onSignal = (signal: NodeJS.Signals) => {
    log.log('info', `${signal}: shutting down`);
    void daemon.stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    log.log('info', `virtkitd ${packageVersion()} started${options.root ? ` under ${options.root}` : ''}`);
    await daemon.stopped;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

/** virtkitd's entry point: the exit status for `args`. */
export async function main(args: string[]): Promise<number> {
  const env = process.env;
  const privileged = process.getuid?.() === 0;
  let options: DaemonOptions;
  try {
    options = parseOptions(args);
  } catch (error) {
    process.stderr.write(
      `virtkitd: ${(error as Error).message}\nTry 'virtkitd --help' for more information.\n`,
    );
    return 1;
  }
  try {
    const paths = daemonPaths(options.root, env, privileged);
    if (options.help) {
      process.stdout.write(helpText(paths));
      return 0;
    }
    if (options.version) {
      process.stdout.write(`virtkitd (virtkit) ${packageVersion()}\n`);
      return 0;
    }
    const log = createLogger(options.logLevel, options.logFile);
    const hub = createHub(paths, log, env, privileged);
    if (options.stdio) {
      await serveStdio(hub, log);
      return 0;
    }
    const daemon = await Daemon.start(options, paths, hub, log);
    await runDaemon(options, daemon, log);
    return 0;
  } catch (error) {
    // Expected failures (libvirt errors, system calls) read as a message; anything else is a bug.
    const expected = isVirtError(error) || typeof (error as NodeJS.ErrnoException).code === 'string';
    const message = expected ? (error as Error).message : (error as Error).stack;
    process.stderr.write(`virtkitd: ${message}\n`);
    return 1;
  }
}
