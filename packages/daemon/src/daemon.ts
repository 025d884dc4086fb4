import type { Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { acquireStateLock, isVirtError, type StateLock, VirtError, type VirtUri } from '@virtkit/core';
import { DriverHub, type Logger, serveClient } from '@virtkit/remote';
import type { DaemonPaths } from './daemon-paths.js';
import { IdleTimer } from './idle-timer.js';
import type { DaemonOptions } from './options.js';
import { listenTls } from './tls-listener.js';
import { closeServer, listenUnix, prepareRunDir } from './unix-listeners.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The URI a client's URI is served by: under `--root`, qemu:///system (and /session) and
 * lxc:///system come from the root's own tree, as embedded drivers. A qemu or lxc URI with
 * a transport or host never gets here: the hub refuses it as one for another daemon.
 */
export function redirectUnderRoot(paths: DaemonPaths, uri: VirtUri): string | undefined {
  const { qemuRoot, lxcRoot } = paths;
  if (qemuRoot !== undefined && uri.scheme === 'qemu' && (uri.path === '/system' || uri.path === '/session'))
    return `qemu:///embed?root=${qemuRoot}`;
  if (lxcRoot !== undefined && uri.scheme === 'lxc' && uri.path === '/system')
    return `lxc:///embed?root=${lxcRoot}`;
  return undefined;
}

/** The hub of one daemon: the stateful drivers' system URIs served from `--root`'s tree when given. */
export function createHub(paths: DaemonPaths, log: Logger, env: Env, privileged: boolean): DriverHub {
  return new DriverHub({
    // The daemon depends on the driver packages; resolve them from here, not from core.
    importDriver: (specifier) => import(specifier),
    defaultUri: privileged ? 'qemu:///system' : 'qemu:///session',
    redirect: (uri) => redirectUnderRoot(paths, uri),
    env,
    log,
  });
}

/** Sockets' modes as libvirtd's defaults without polkit: rw for the owner, ro for everyone. */
const RW_MODE = 0o700;
const RO_MODE = 0o777;

/** A running virtkitd: its listeners, clients and drivers, until `stop()`. */
export class Daemon {
  readonly #paths: DaemonPaths;
  readonly #hub: DriverHub;
  readonly #log: Logger;
  readonly #lock: StateLock;
  readonly #servers: { server: Server; path?: string }[] = [];
  readonly #clients = new Map<Duplex, Promise<void>>();
  readonly #idle: IdleTimer | undefined;
  readonly #stopped: Promise<void>;
  #stop!: () => void;
  #stopping: Promise<void> | undefined;

  private constructor(paths: DaemonPaths, hub: DriverHub, log: Logger, lock: StateLock, timeout?: number) {
    this.#paths = paths;
    this.#hub = hub;
    this.#log = log;
    this.#lock = lock;
    this.#stopped = new Promise((resolve) => {
      this.#stop = resolve;
    });
    this.#idle =
      timeout === undefined
        ? undefined
        : new IdleTimer(
            timeout,
            () => hub.hasActiveDomains(),
            () => {
              log.log('info', `no client for ${timeout}s: exiting`);
              void this.stop();
            },
          );
  }

  /**
   * Takes the run directory's lock (a second daemon on the same sockets is refused, naming the
   * first), then listens on the rw and ro sockets and, with --listen, on TLS.
   */
  static async start(
    options: DaemonOptions,
    paths: DaemonPaths,
    hub: DriverHub,
    log: Logger,
  ): Promise<Daemon> {
    await prepareRunDir(paths.runDir);
    let lock: StateLock;
    try {
      lock = await acquireStateLock(paths.runDir);
    } catch (error) {
      if (isVirtError(error, 'OPERATION_FAILED')) {
        throw new VirtError(
          'OPERATION_FAILED',
          `another virtkitd serves ${paths.rwSocket}: ${error.message}`,
          {
            verbatim: true,
          },
        );
      }
      throw error;
    }
    const daemon = new Daemon(paths, hub, log, lock, options.timeoutSeconds);
    try {
      await daemon.#listen(options);
    } catch (error) {
      await daemon.stop();
      throw error;
    }
    daemon.#idle?.arm();
    // Clients opening the URI meanwhile wait for this same open.
    hub.preopen(hub.defaultUri).catch((error: unknown) => {
      log.log('warning', `${hub.defaultUri} is not available: ${(error as Error).message}`);
    });
    return daemon;
  }

  async #listen(options: DaemonOptions): Promise<void> {
    // TLS first: the unix sockets appearing is what tells a waiting client the daemon is ready.
    if (options.listen) {
      const server = await listenTls(this.#paths, options.tlsPort, (socket) => this.#serve(socket, false));
      this.#servers.push({ server });
      this.#log.log('info', `listening on TLS port ${options.tlsPort}`);
    }
    for (const spec of [
      { path: this.#paths.rwSocket, mode: RW_MODE, readonly: false },
      { path: this.#paths.roSocket, mode: RO_MODE, readonly: true },
    ]) {
      const server = await listenUnix(spec, (socket) => this.#serve(socket, spec.readonly));
      this.#servers.push({ server, path: spec.path });
      this.#log.log('info', `listening on ${spec.path}`);
    }
  }

  #serve(stream: Duplex, readonly: boolean): void {
    if (this.#stopping) {
      stream.destroy();
      return;
    }
    this.#idle?.cancel();
    this.#log.log('info', `client connected (${readonly ? 'read-only' : 'read-write'})`);
    const served = serveClient(stream, { readonly, hub: this.#hub, log: this.#log }).finally(() => {
      this.#clients.delete(stream);
      this.#log.log('info', 'client disconnected');
      if (this.#clients.size === 0 && !this.#stopping) this.#idle?.arm();
    });
    this.#clients.set(stream, served);
  }

  /** Resolves once the daemon has stopped, by signal or idle timeout. */
  get stopped(): Promise<void> {
    return this.#stopped;
  }

  /** Stops listening, hangs up on every client, lets go of the drivers and the lock. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#idle?.cancel();
      // A server's close completes only once its connections are gone: hang up on them meanwhile.
      const closing = this.#servers.map(({ server, path }) => closeServer(server, path));
      for (const stream of this.#clients.keys()) stream.destroy();
      await Promise.all([...closing, ...this.#clients.values()]);
      await this.#hub.close();
      await this.#lock.release();
      this.#stop();
    })();
    return this.#stopping;
  }
}
