/** virDomainDefFormat's order of top-level elements. */
export const DOMAIN_SHAPE = {
  attrs: ['type', 'id'],
  children: [
    'name',
    'uuid',
    'genid',
    'title',
    'description',
    'metadata',
    'maxMemory',
    'memory',
    'currentMemory',
    'blkiotune',
    'memtune',
    'memoryBacking',
    'vcpu',
    'vcpus',
    'iothreads',
    'iothreadids',
    'defaultiothread',
    'cputune',
    'numatune',
    'resource',
    'sysinfo',
    'bootloader',
    'bootloader_args',
    'os',
    'idmap',
    'features',
    'cpu',
    'clock',
    'on_poweroff',
    'on_reboot',
    'on_crash',
    'on_lockfailure',
    'pm',
    'perf',
    'devices',
    'seclabel',
    'keywrap',
    'launchSecurity',
  ],
};

/** Whether libvirt keeps a top-level element: one it knows, or a driver namespace's (qemu:commandline, …). */
export function isKnownTopLevel(name: string): boolean {
  return name.includes(':') || DOMAIN_SHAPE.children.includes(name);
}
