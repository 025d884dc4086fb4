import type { DiskDef } from './domain-def.js';
import { unsupported } from './xml-errors.js';
import { childElement, type XmlElement } from './xml-node.js';

/** Network protocols whose sources cannot carry credentials. */
const NO_AUTH_PROTOCOLS = new Set(['nbd', 'sheepdog', 'gluster', 'tftp', 'vxhs', 'nfs']);
/** virSecretUsageType's names. */
const SECRET_USAGES = new Set(['none', 'volume', 'ceph', 'iscsi', 'tls', 'vtpm']);
/** The only secret usage a protocol's credentials may name. */
const PROTOCOL_SECRET_USAGE: Record<string, string> = { iscsi: 'iscsi', rbd: 'ceph' };

/** One storage source of a disk's chain, with the auth and encryption libvirt attaches to it. */
interface ChainSource {
  type: string;
  protocol?: string;
  auth?: XmlElement;
  encryption?: XmlElement;
}

/** A `<backingStore>` element's source, then the sources further down its chain. */
function backingChain(store: XmlElement | undefined): ChainSource[] {
  const source = childElement(store, 'source');
  if (!store || !source) return [];
  return [
    {
      type: store.attrs.type ?? 'file',
      protocol: source.attrs.protocol,
      auth: childElement(source, 'auth'),
      encryption: childElement(source, 'encryption'),
    },
    ...backingChain(childElement(store, 'backingStore')),
  ];
}

/** The disk's storage chain; `<auth>`/`<encryption>` written on the disk belong to its top source. */
function diskChain(disk: DiskDef): ChainSource[] {
  const written = [...(disk.rest?.children ?? []), ...(disk.source?.rest?.children ?? [])];
  const find = (name: string) => written.find((c) => c.name === name);
  const top: ChainSource = {
    type: disk.type,
    protocol: disk.source?.protocol,
    auth: find('auth'),
    encryption: find('encryption'),
  };
  return [top, ...backingChain(childElement(disk.rest, 'backingStore'))];
}

function validateAuth(src: ChainSource, auth: XmlElement): void {
  const protocol = src.protocol ?? '';
  if (NO_AUTH_PROTOCOLS.has(protocol)) {
    throw unsupported(`authentication is not supported for protocol '${protocol}'`);
  }
  const usage = childElement(auth, 'secret')?.attrs.type;
  if (usage === undefined || !SECRET_USAGES.has(usage)) {
    throw unsupported(`unknown secret type '${usage ?? '<null>'}'`);
  }
  const wanted = PROTOCOL_SECRET_USAGE[protocol];
  if (wanted !== undefined && usage !== wanted) throw unsupported(`invalid secret type '${usage}'`);
}

/** virDomainDiskDefValidateSource: credentials and encryption of every source in the chain. */
export function validateDiskSources(disk: DiskDef): void {
  for (const src of diskChain(disk)) {
    if (src.type === 'network' && src.auth) validateAuth(src, src.auth);
    // LUKS keeps its cipher in the image header: naming one in the domain is a mistake.
    if (src.encryption?.attrs.format === 'luks' && childElement(src.encryption, 'cipher')) {
      throw unsupported('supplying <cipher> for domain disk definition is unnecessary');
    }
  }
}
