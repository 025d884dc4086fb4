/** No user config files, no default devices: every device comes from the domain XML. */
export function noDefaultsArgs(): string[] {
  return ['-no-user-config', '-nodefaults'];
}

/** The guest powering off only stops it; libvirt decides what happens next (on_poweroff). */
export function noShutdownArgs(): string[] {
  return ['-no-shutdown'];
}

/** A paused start: libvirt resumes once everything (cgroups, hotplug, migration) is ready. */
export function pausedStartArgs(): string[] {
  return ['-S'];
}

export function sandboxArgs(): string[] {
  return ['-sandbox', 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny'];
}

export function messageTimestampArgs(): string[] {
  return ['-msg', 'timestamp=on'];
}
