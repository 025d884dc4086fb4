import { type DomainDef, HOST_ARCH, ofKind, VirtError } from '@virtkit/core';

/** Debian's libvirt_lxc: what libvirt's LXC capabilities name as the guests' emulator. */
export const DEFAULT_LXC_EMULATOR = '/usr/lib/libvirt/libvirt_lxc';

/** What libvirt's LXC capabilities offer: exe guests of the host's arch (and i686 on x86_64). */
function supportedArches(): string[] {
  const host = HOST_ARCH;
  return host === 'x86_64' ? ['x86_64', 'i686'] : [host];
}

/**
 * virCapabilitiesDomainSupported's refusal: it names each given part (os type only when not hvm,
 * hvm being the enum's zero) followed by a space, as libvirt's buffer leaves it.
 */
function noCapabilities(def: DomainDef, arch: string): VirtError {
  const osType = def.os.type === 'hvm' ? '' : `ostype=${def.os.type} `;
  return new VirtError(
    'INVALID_ARG',
    `could not find capabilities for ${osType}arch=${arch} domaintype=${def.type} `,
  );
}

/**
 * The LXC driver's post-parse (virLXCDomainDefPostParse and its device post-parse): only
 * exe guests of the LXC type on the host's arches; the emulator defaults to libvirt_lxc; an
 * exe guest without <init> gets /sbin/init when it has a root filesystem, else is refused
 * (virDomainDefPostParseInit); consoles default to the lxc target. The input is left untouched.
 */
export function postParseForLxc(input: DomainDef): DomainDef {
  const def = structuredClone(input);
  const arch = def.os.arch ?? HOST_ARCH;
  if (def.type !== 'lxc' || def.os.type !== 'exe' || !supportedArches().includes(arch)) {
    throw noCapabilities(def, arch);
  }
  def.os.arch = arch;
  def.emulator ??= DEFAULT_LXC_EMULATOR;
  if (def.os.init === undefined) {
    const root = ofKind(def.devices, 'filesystem').some((fs) => fs.type === 'mount' && fs.targetDir === '/');
    if (!root) throw new VirtError('XML_ERROR', 'init binary must be specified');
    def.os.init = '/sbin/init';
  }
  for (const console of ofKind(def.devices, 'console')) {
    console.target = { ...console.target, type: console.target?.type ?? 'lxc' };
    console.target.port ??= 0;
  }
  return def;
}
