import {
  Connection,
  checkConnectUri,
  type Driver,
  type DriverConnection,
  driverKeyFor,
  EventBus,
  formatUri,
  type ImportModule,
  isActiveState,
  loadDriverPackage,
  packageFor,
  parseUri,
  REMOTE,
  STATEFUL_SCHEMES,
  VirtError,
  type VirtUri,
} from '@virtkit/core';
import { type Logger, SILENT_LOGGER } from './logger.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface DriverHubOptions {
  /** How driver packages are imported: the daemon's own resolution, since it depends on them. */
  importDriver: ImportModule;
  /** Drivers to use before importing any package (tests). */
  drivers?: readonly Driver[];
  /** The URI a client gets when it opens with none (libvirtd probes; virtkitd asks qemu). */
  defaultUri: string;
  /** The URI to open instead of the one a client named, e.g. qemu:///system → qemu:///embed?root=…. */
  redirect?: (uri: VirtUri) => string | undefined;
  env?: Env;
  log?: Logger;
}

interface Shared {
  readonly connection: DriverConnection;
  readonly events: EventBus;
}

/**
 * The daemon's drivers. A client's connection is a core `Connection` over either the shared
 * connection of a stateful driver (closing it leaves the driver open) or one of its own
 * (stateless drivers share what they share themselves, e.g. the test driver's default node).
 */
export class DriverHub {
  /** What a client that names no URI gets. */
  readonly defaultUri: string;
  readonly #options: DriverHubOptions;
  readonly #shared = new Map<string, Promise<Shared>>();
  readonly #log: Logger;

  constructor(options: DriverHubOptions) {
    this.#options = options;
    this.defaultUri = options.defaultUri;
    this.#log = options.log ?? SILENT_LOGGER;
  }

  /** Opens `name` (or the default URI) for one client, as remoteDispatchConnectOpen does. */
  async connect(name: string | null | undefined, readonly: boolean): Promise<Connection> {
    const text = name || this.defaultUri;
    const uri = parseUri(text);
    checkConnectUri(uri, text);
    const key = driverKeyFor(uri);
    // The daemon serves its own drivers; relaying to yet another daemon is not its job.
    if (key === REMOTE) throw new VirtError('NO_CONNECT', text);
    const { openUri, asked } = this.#redirect(uri);
    if (!STATEFUL_SCHEMES.has(uri.scheme)) {
      const events = new EventBus();
      const connection = await (await this.#driverFor(key, text)).open(
        openUri,
        this.#context(events, readonly),
      );
      return new Connection(viewOf(connection, asked, connection.close), { uri, readonly, events });
    }
    const shared = await this.#openShared(key, text, openUri);
    return new Connection(
      viewOf(shared.connection, asked, async () => {}),
      {
        uri,
        readonly,
        events: shared.events,
      },
    );
  }

  /**
   * Opens a stateful driver's URI now, as libvirtd initialises its drivers at startup: it
   * reattaches to guests left running and handles their events before any client asks.
   */
  async preopen(name: string): Promise<void> {
    const uri = parseUri(name);
    if (!STATEFUL_SCHEMES.has(uri.scheme)) return;
    await this.#openShared(driverKeyFor(uri), name, this.#redirect(uri).openUri);
  }

  /** Whether a stateful driver has a running guest: libvirtd's shutdown inhibitor for --timeout. */
  async hasActiveDomains(): Promise<boolean> {
    for (const pending of this.#shared.values()) {
      const shared = await pending.catch(() => undefined);
      const listings = (await shared?.connection.listDomains()) ?? [];
      if (listings.some((listing) => isActiveState(listing.state.state))) return true;
    }
    return false;
  }

  /** Lets go of every stateful driver; their guests keep running (the QEMU driver detaches). */
  async close(): Promise<void> {
    const pending = [...this.#shared.values()];
    this.#shared.clear();
    for (const entry of pending) {
      const shared = await entry.catch(() => undefined);
      await shared?.connection.close().catch((error: unknown) => {
        this.#log.log('error', `closing a driver failed: ${(error as Error).message}`);
      });
    }
  }

  /** The URI to open for `uri`, and when that is a redirect, the URI the client asked for. */
  #redirect(uri: VirtUri): { openUri: VirtUri; asked: VirtUri | undefined } {
    const redirected = this.#options.redirect?.(uri);
    return redirected === undefined
      ? { openUri: uri, asked: undefined }
      : { openUri: parseUri(redirected), asked: uri };
  }

  #openShared(key: string, text: string, openUri: VirtUri): Promise<Shared> {
    const id = formatUri(openUri);
    let pending = this.#shared.get(id);
    if (!pending) {
      pending = this.#driverFor(key, text).then(async (driver) => {
        const events = new EventBus();
        this.#log.log('info', `opening ${id} for the daemon's lifetime`);
        return { connection: await driver.open(openUri, this.#context(events, false)), events };
      });
      // A failed open is retried by the next client rather than remembered.
      pending.catch(() => this.#shared.delete(id));
      this.#shared.set(id, pending);
    }
    return pending;
  }

  async #driverFor(key: string, text: string): Promise<Driver> {
    const given = this.#options.drivers?.find((driver) => driver.schemes.includes(key));
    if (given) return given;
    const pkg = packageFor(key);
    if (pkg === undefined) throw new VirtError('NO_CONNECT', text);
    return loadDriverPackage(pkg, text, this.#options.importDriver);
  }

  #context(events: EventBus, readonly: boolean) {
    return { readonly, events, env: this.#options.env ?? process.env };
  }
}

/**
 * A client's view of a driver connection: `close` is the client's to define (the shared one
 * stays open), and a redirected connection reports the URI the client asked for.
 */
function viewOf(
  connection: DriverConnection,
  asked: VirtUri | undefined,
  close: () => Promise<void>,
): DriverConnection {
  return new Proxy(connection, {
    get(target, property, receiver) {
      if (property === 'close') return () => close.call(target);
      if (property === 'getUri' && asked !== undefined) return () => formatUri(asked);
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
