import { arch } from 'node:os';

/** Node's names for the architectures whose libvirt name differs. */
const LIBVIRT_ARCH: Readonly<Record<string, string>> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686' };

/** This host's architecture in libvirt's words (`x86_64`, `aarch64`, …). */
export const HOST_ARCH = LIBVIRT_ARCH[arch()] ?? arch();
