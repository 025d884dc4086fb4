import type { Connection, Driver, DriverConnection, OpenContext, VirtUri } from '@virtkit/core';

/** What virtkit connects to when neither `-c` nor LIBVIRT_DEFAULT_URI names a URI. */
export const DEFAULT_URI = 'test:///default';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Driver packages the CLI ships with, spelled out so a bundler can include them;
 * other drivers are imported by name from the CLI's own resolution.
 */
const BUNDLED_DRIVERS: Readonly<Record<string, () => Promise<unknown>>> = {
  '@virtkit/driver-test': () => import('@virtkit/driver-test'),
};

function importDriver(pkg: string): Promise<unknown> {
  return BUNDLED_DRIVERS[pkg]?.() ?? import(pkg);
}

/**
 * Opens a connection as virsh's virConnectOpenAuth would, loading only the URI's driver:
 * stateful URIs (`qemu:///system`), transports (`qemu+ssh://…`) and schemes no driver
 * package serves go over the wire to virtkitd (started if nobody listens) or the server the
 * URI names; `qemu:///embed` and `test:///…` run in this process.
 */
export async function openVirtkitConnection(
  uri: string | undefined,
  options: { readonly: boolean; env: Env },
): Promise<Connection> {
  const core = await import('@virtkit/core');
  const schemes = ['remote', ...core.STATEFUL_SCHEMES, ...unservedScheme(core, uri, options.env)];
  const remote: Driver = {
    name: 'remote',
    schemes,
    open: (parsed, ctx) => openThroughDaemon(core, parsed, ctx),
  };
  return core.openConnection(uri, { ...options, defaultUri: DEFAULT_URI, importDriver, drivers: [remote] });
}

async function openThroughDaemon(
  core: typeof import('@virtkit/core'),
  uri: VirtUri,
  ctx: OpenContext,
): Promise<DriverConnection> {
  const embedded = uri.transport === undefined && uri.host === undefined && uri.path === '/embed';
  const pkg = embedded ? core.packageFor(uri.scheme) : undefined;
  if (pkg !== undefined) {
    const driver = await core.loadDriverPackage(pkg, core.formatUri(uri), importDriver);
    return driver.open(uri, ctx);
  }
  // Imported by name, not bundled: the protocol is half the CLI's code, and a cold
  // `virtkit -c test:///default …` should not load it.
  const [{ createRemoteDriver, DAEMON_SOCKETS, defaultDaemonSocket }, { daemonFor }] = await Promise.all([
    import(core.REMOTE_PACKAGE) as Promise<typeof import('@virtkit/remote')>,
    import('./daemon-command.js'),
  ]);
  const local = uri.transport === undefined && uri.host === undefined;
  if (!local || core.STATEFUL_SCHEMES.has(uri.scheme) || uri.scheme === core.REMOTE) {
    return createRemoteDriver({
      daemonFor: (socket) => daemonFor(socket, ctx.env, { DAEMON_SOCKETS, defaultDaemonSocket }),
    }).open(uri, ctx);
  }
  // A scheme nobody serves is only worth asking a running daemon about, never worth starting one:
  // without one the answer is the daemon's own, no driver for it.
  try {
    return await createRemoteDriver().open(uri, ctx);
  } catch (error) {
    if (core.isVirtError(error, 'SYSTEM_ERROR')) throw new core.VirtError('NO_CONNECT', core.formatUri(uri));
    throw error;
  }
}

/**
 * The scheme of a URI no driver package serves (`foo:///`): virsh hands it to the remote
 * driver, so the daemon answers it. Unparsable URIs are left to core's own errors.
 */
function unservedScheme(core: typeof import('@virtkit/core'), uri: string | undefined, env: Env): string[] {
  const text = core.resolveUri({ uri, env, fallback: DEFAULT_URI });
  if (text === undefined) return [];
  try {
    const key = core.driverKeyFor(core.parseUri(text));
    return core.packageFor(key) === undefined ? [key] : [];
  } catch {
    return [];
  }
}

/** Core, loaded when a command first needs it rather than at start-up. */
export function loadCore(): Promise<typeof import('@virtkit/core')> {
  return import('@virtkit/core');
}
