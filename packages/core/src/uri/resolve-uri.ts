import { VirtError } from '../errors/index.js';

export interface ResolveUriInput {
  /** The URI the caller passed; `''` counts as none, as in libvirt. */
  uri?: string | undefined;
  /** The environment to read `LIBVIRT_DEFAULT_URI` from (passed in so this stays pure). */
  env: Readonly<Record<string, string | undefined>>;
  /** The configured default (libvirt's `uri_default` in libvirt.conf). */
  fallback?: string | undefined;
  /** libvirt's `uri_aliases` entries, each `alias=uri`. */
  aliases?: readonly string[] | undefined;
  /** Skip alias lookup (libvirt's VIR_CONNECT_NO_ALIASES). */
  noAliases?: boolean;
}

/**
 * Picks the URI to connect to the way virConnectOpen does: the explicit URI, else
 * `LIBVIRT_DEFAULT_URI`, else the configured default; then resolves an alias.
 * Returns undefined when none is known: the caller decides (libvirt probes drivers).
 */
export function resolveUri(input: ResolveUriInput): string | undefined {
  const explicit = input.uri === '' ? undefined : legacyXenUri(input.uri);
  const chosen = explicit ?? (input.env.LIBVIRT_DEFAULT_URI || undefined) ?? (input.fallback || undefined);
  if (chosen === undefined || input.noAliases || !input.aliases) return chosen;
  return resolveAlias(input.aliases, chosen) ?? chosen;
}

/** libvirt's back-compat rewrites: `xen` and `xen://` mean `xen:///system`. */
function legacyXenUri(uri: string | undefined): string | undefined {
  if (uri?.toLowerCase() === 'xen' || uri === 'xen://') return 'xen:///system';
  return uri;
}

const ALIAS_NAME = /^[A-Za-z0-9_-]*$/;

/** The URI `name` stands for in `aliases`, or undefined; malformed entries fail as in libvirt. */
export function resolveAlias(aliases: readonly string[], name: string): string | undefined {
  for (const entry of aliases) {
    const eq = entry.indexOf('=');
    if (eq < 0) {
      throw new VirtError(
        'CONF_SYNTAX',
        `Malformed 'uri_aliases' config entry '${entry}', expected 'alias=uri://host/path'`,
        { domain: 'URI' },
      );
    }
    if (!ALIAS_NAME.test(entry.slice(0, eq))) {
      throw new VirtError(
        'CONF_SYNTAX',
        `Malformed 'uri_aliases' config entry '${entry}', aliases may only contain 'a-Z, 0-9, _, -'`,
        { domain: 'URI' },
      );
    }
    if (entry.slice(0, eq) === name) return entry.slice(eq + 1);
  }
  return undefined;
}
