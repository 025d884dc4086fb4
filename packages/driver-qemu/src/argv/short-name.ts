/** libvirt keeps at most this many characters of a domain name in paths (VIR_DOMAIN_SHORT_NAME_MAX). */
const SHORT_NAME_MAX = 20;

/**
 * `ID-NAME` with the name cut to 20 characters (virDomainDefGetShortName): the per-run part of
 * every path QEMU gets, so that a long name never overflows a UNIX socket path.
 */
export function shortDomainName(id: number, name: string): string {
  return `${id}-${[...name].slice(0, SHORT_NAME_MAX).join('')}`;
}
