import { childElement, childElements, type DomainDef, textContent } from '@virtkit/core';

/** The init a container runs: `<os><init>`, else libvirt's default. */
export function containerInit(def: DomainDef): string {
  return def.os.init ?? '/sbin/init';
}

/** `<os><initdir>`: the directory init starts in, when given. */
export function containerInitDir(def: DomainDef): string | undefined {
  // Core keeps `<os>` children it does not model (initdir, initenv, …) raw.
  const el = childElement(def.os.rest, 'initdir');
  return el === undefined ? undefined : textContent(el).trim() || undefined;
}

/**
 * The environment init gets, and nothing else (libvirt's lxcContainerBuildInitCmd): a fixed base,
 * the domain's identity, LIBVIRT_LXC_CMDLINE when there are initargs, then each `<initenv>`.
 */
export function containerEnv(def: DomainDef): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/bin:/sbin',
    TERM: 'linux',
    container: 'lxc-libvirt',
    HOME: '/',
    container_uuid: def.uuid,
    LIBVIRT_LXC_UUID: def.uuid,
    LIBVIRT_LXC_NAME: def.name,
  };
  if (def.os.initArgs.length > 0) env.LIBVIRT_LXC_CMDLINE = def.os.initArgs.join(' ');
  for (const el of childElements(def.os.rest, 'initenv')) {
    const name = el.attrs.name;
    if (name !== undefined && name !== '') env[name] = textContent(el);
  }
  return env;
}
