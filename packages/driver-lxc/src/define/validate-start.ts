import { type ChardevDef, type DomainDef, ofKind, VirtError } from '@virtkit/core';

const unsupported = (detail: string) => new VirtError('CONFIG_UNSUPPORTED', detail, { domain: 'LXC' });

/** The consoles of a definition, in order: the first is the container's /dev/console. */
export function consolesOf(def: DomainDef): ChardevDef[] {
  return ofKind(def.devices, 'console');
}

/**
 * What virLXCProcessStart checks before it starts a controller: a container needs a PTY console
 * (its /dev/console), and only PTY consoles can be given to it.
 */
export function validateForStart(def: DomainDef): void {
  const consoles = consolesOf(def);
  if (consoles.length === 0) throw unsupported('At least one PTY console is required');
  if (consoles.some((console) => console.source.type !== 'pty')) {
    throw unsupported('Only PTY console types are supported');
  }
}
