import type { Connection } from '@virtkit/core';

/** What virtkit connects to when neither `-c` nor LIBVIRT_DEFAULT_URI names a URI. */
export const DEFAULT_URI = 'test:///default';

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

/** Opens a connection as virsh's virConnectOpenAuth would, loading only the URI's driver. */
export async function openVirtkitConnection(
  uri: string | undefined,
  options: { readonly: boolean; env: Readonly<Record<string, string | undefined>> },
): Promise<Connection> {
  const { openConnection } = await import('@virtkit/core');
  return openConnection(uri, { ...options, defaultUri: DEFAULT_URI, importDriver });
}

/** Core, loaded when a command first needs it rather than at start-up. */
export function loadCore(): Promise<typeof import('@virtkit/core')> {
  return import('@virtkit/core');
}
