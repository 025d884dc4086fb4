import type { DomainDef, XmlElement } from '@virtkit/core';

/** The `<os>` children of a kind that core keeps raw (initenv, initdir, …). */
function osRaw(def: DomainDef, name: string): XmlElement[] {
  return (def.os.rest?.children ?? []).filter((el) => el.name === name);
}

function text(el: XmlElement): string {
  return el.children.filter((c): c is string => typeof c === 'string').join('');
}

/** The init a container runs: `<os><init>`, else libvirt's default. */
export function containerInit(def: DomainDef): string {
  return def.os.init ?? '/sbin/init';
}

/** `<os><initdir>`: the directory init starts in, when given. */
export function containerInitDir(def: DomainDef): string | undefined {
  const el = osRaw(def, 'initdir')[0];
  return el === undefined ? undefined : text(el).trim() || undefined;
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
  for (const el of osRaw(def, 'initenv')) {
    const name = el.attrs.name;
    if (name !== undefined && name !== '') env[name] = text(el);
  }
  return env;
}
