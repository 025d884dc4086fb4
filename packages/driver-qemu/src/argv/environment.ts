/**
 * The environment libvirt gives QEMU: a C locale and a minimal PATH, and a HOME/XDG tree inside
 * the domain's private directory so QEMU and its libraries never touch a real user's files.
 */
export function qemuEnvironment(domainDir: string): [string, string][] {
  return [
    ['LC_ALL', 'C'],
    ['PATH', '/bin'],
    ['HOME', domainDir],
    ['USER', 'test'],
    ['LOGNAME', 'test'],
    ['XDG_DATA_HOME', `${domainDir}/.local/share`],
    ['XDG_CACHE_HOME', `${domainDir}/.cache`],
    ['XDG_CONFIG_HOME', `${domainDir}/.config`],
  ];
}
