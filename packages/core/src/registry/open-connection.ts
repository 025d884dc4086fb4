import { Connection, type Driver } from '../driver/index.js';
import { VirtError } from '../errors/index.js';
import { EventBus } from '../events/index.js';
import { checkConnectUri, parseUri, resolveUri } from '../uri/index.js';
import { driverKeyFor, packageFor } from './driver-packages.js';
import { type ImportModule, importFromApplication, loadDriverPackage } from './load-driver.js';

export interface OpenConnectionOptions {
  /** Open read-only (virConnectOpenReadOnly). */
  readonly?: boolean;
  /** Environment for `LIBVIRT_DEFAULT_URI` and the driver; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Used when neither the argument nor the environment gives a URI (libvirt's `uri_default`). */
  defaultUri?: string;
  /** libvirt's `uri_aliases`: `alias=uri` entries. */
  aliases?: readonly string[];
  noAliases?: boolean;
  /** Drivers to use before any package is imported; the first whose schemes include the URI's wins. */
  drivers?: readonly Driver[];
  /** The manager's event stream; a fresh one per connection by default. */
  events?: EventBus;
  /** How driver packages are imported; defaults to core's then the application's (cwd) resolution. */
  importDriver?: ImportModule;
}

/**
 * Opens a connection the way virConnectOpen does: resolve the URI (argument,
 * LIBVIRT_DEFAULT_URI, default, alias), parse and check it, pick the driver for its
 * scheme (a given one, or the driver package, imported only now), and open it.
 */
export async function openConnection(uri?: string, options: OpenConnectionOptions = {}): Promise<Connection> {
  const env = options.env ?? process.env;
  const text = resolveUri({
    uri,
    env,
    fallback: options.defaultUri,
    aliases: options.aliases,
    noAliases: options.noAliases ?? false,
  });
  // libvirt would probe the built-in drivers here; virtkit has none built in.
  if (text === undefined) throw new VirtError('NO_CONNECT', '(null)');
  const parsed = parseUri(text);
  checkConnectUri(parsed, text);

  const key = driverKeyFor(parsed);
  const driver =
    options.drivers?.find((candidate) => candidate.schemes.includes(key)) ??
    (await importDriverFor(key, text, options.importDriver));
  if (!driver) throw new VirtError('NO_CONNECT', text);

  const readonly = options.readonly ?? false;
  const events = options.events ?? new EventBus();
  const driverConnection = await driver.open(parsed, { readonly, events, env });
  return new Connection(driverConnection, { uri: parsed, readonly, events });
}

/** The driver exported by the package for `key`; undefined when no package serves it. */
async function importDriverFor(
  key: string,
  uriText: string,
  importer?: ImportModule,
): Promise<Driver | undefined> {
  const pkg = packageFor(key);
  if (pkg === undefined) return undefined;
  return loadDriverPackage(pkg, uriText, importer ?? importFromApplication(process.cwd()));
}
