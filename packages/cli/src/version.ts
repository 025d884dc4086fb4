/** virtkit's own version, printed where virsh prints libvirt's. */
export const VIRTKIT_VERSION = '0.1.0';

/** `-V`: virsh's long version layout with virtkit's facts. */
export function longVersion(): string {
  return `Virtkit command line tool of virtkit ${VIRTKIT_VERSION}
See web site at https://libvirt.org/ for the libvirt it follows

Compiled with support for:
 Hypervisors: Test (more with each installed @virtkit/driver-* package)
 Miscellaneous: Readline JSON
`;
}

/** Encodes `major.minor.release` as libvirt's major * 1,000,000 + minor * 1,000 + release. */
export function formatVersionNumber(value: number): string {
  return `${Math.floor(value / 1_000_000)}.${Math.floor(value / 1_000) % 1_000}.${value % 1_000}`;
}
