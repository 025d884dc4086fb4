import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { DaemonCommand } from '@virtkit/remote';

type Env = Readonly<Record<string, string | undefined>>;
/** Where virtkitd puts its sockets, from @virtkit/remote (imported only when a daemon is wanted). */
type SocketLayout = Pick<typeof import('@virtkit/remote'), 'DAEMON_SOCKETS' | 'defaultDaemonSocket'>;

/** An idle autostarted daemon exits after this long, as libvirt's session daemon does. */
const IDLE_TIMEOUT_SECONDS = '120';
const DAEMON_PACKAGE = '@virtkit/daemon';

/**
 * The virtkitd to start when nobody listens on `socket`: for its default socket the plain
 * daemon, for `DIR/run/virtkit-sock` the `virtkitd --root DIR` that puts its sockets there;
 * nothing for any other socket (libvirtd's is never ours to start).
 */
export function daemonFor(socket: string, env: Env, layout: SocketLayout): DaemonCommand | undefined {
  const target = { env, uid: process.getuid?.() ?? 0 };
  const defaults = [false, true].map((readonly) => layout.defaultDaemonSocket({ ...target, readonly }));
  let root: string[];
  if (defaults.includes(socket)) root = [];
  else if (layout.DAEMON_SOCKETS.includes(basename(socket)) && basename(dirname(socket)) === 'run') {
    root = ['--root', dirname(dirname(socket))];
  } else return undefined;
  return { command: process.execPath, args: [virtkitdPath(env), '--timeout', IDLE_TIMEOUT_SECONDS, ...root] };
}

/** `VIRTKITD_PATH` (as libvirt's LIBVIRTD_PATH), else the `@virtkit/daemon` package's bin beside the CLI. */
function virtkitdPath(env: Env): string {
  if (env.VIRTKITD_PATH) return env.VIRTKITD_PATH;
  // The bundled CLI runs as CommonJS with bin/virtkit.js's require; tsc's output is ESM.
  const resolve = typeof require === 'function' ? require.resolve : createRequire(import.meta.url).resolve;
  return join(dirname(resolve(DAEMON_PACKAGE)), '..', 'bin', 'virtkitd.js');
}
