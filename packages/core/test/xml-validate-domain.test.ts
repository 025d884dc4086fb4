import { describe, expect, it } from 'vitest';
import { parseDomainXml } from '../src/index.js';

function domain({
  os = '',
  devices = '',
  extra = '',
}: {
  os?: string;
  devices?: string;
  extra?: string;
}): string {
  return `<domain type='kvm'><name>vm</name><memory>1048576</memory><vcpu>2</vcpu>${extra}<os><type>hvm</type>${os}</os><devices>${devices}</devices></domain>`;
}

function networkDisk(protocol: string, auth: string): string {
  return `<disk type='network' device='disk'><auth username='u'>${auth}</auth><source protocol='${protocol}' name='pool/img'><host name='example.org'/></source><target dev='vda' bus='virtio'/></disk>`;
}

function scsiHostdev(unit: number, address = ''): string {
  return `<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='${unit}'/></source>${address}</hostdev>`;
}

const DRIVE_0 = "<address type='drive' controller='0' bus='0' target='0' unit='0'/>";

function hugepages(pages: string, numaCells = 0): string {
  const cells = Array.from(
    { length: numaCells },
    (_, i) => `<cell id='${i}' cpus='${i}' memory='524288' unit='KiB'/>`,
  ).join('');
  const cpu = numaCells > 0 ? `<cpu><numa>${cells}</numa></cpu>` : '';
  return `<memoryBacking><hugepages>${pages}</hugepages></memoryBacking>${cpu}`;
}

function errorOf(run: () => unknown): Error | undefined {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  return undefined;
}

const REJECTED: [what: string, xml: string, message: string][] = [
  [
    'credentials without a secret type',
    domain({ devices: networkDisk('iscsi', "<secret usage='x'/>") }),
    "unsupported configuration: unknown secret type '<null>'",
  ],
  [
    'iSCSI credentials held in a ceph secret',
    domain({ devices: networkDisk('iscsi', "<secret type='ceph' usage='x'/>") }),
    "unsupported configuration: invalid secret type 'ceph'",
  ],
  [
    'credentials for a protocol that takes none',
    domain({ devices: networkDisk('nbd', "<secret type='iscsi' usage='x'/>") }),
    "unsupported configuration: authentication is not supported for protocol 'nbd'",
  ],
  [
    'a cipher named for a LUKS image',
    domain({
      devices:
        "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/><encryption format='luks'><secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/><cipher name='aes' size='256'/></encryption></disk>",
    }),
    'unsupported configuration: supplying <cipher> for domain disk definition is unnecessary',
  ],
  [
    'two SCSI host devices at one drive address',
    domain({ devices: scsiHostdev(1, DRIVE_0) + scsiHostdev(2, DRIVE_0) }),
    "unsupported configuration: SCSI host address controller='0' bus='0' target='0' unit='0' in use by another SCSI host device",
  ],
  [
    'a SCSI host device at a SCSI disk’s drive address',
    domain({
      devices: `<disk type='block' device='disk'><source dev='/dev/sdb'/><target dev='sdb' bus='scsi'/>${DRIVE_0}</disk>${scsiHostdev(1, DRIVE_0)}`,
    }),
    "unsupported configuration: SCSI host address controller='0' bus='0' target='0' unit='0' in use by another SCSI disk",
  ],
  [
    'a SCSI disk whose implied address a host device holds',
    domain({
      devices: `<disk type='block' device='disk'><source dev='/dev/sdb'/><target dev='sda' bus='scsi'/></disk>${scsiHostdev(1, DRIVE_0)}`,
    }),
    "unsupported configuration: using disk target name 'sda' conflicts with SCSI host device address controller='0' bus='0' target='0' unit='0",
  ],
  [
    'hugepages for a NUMA node the guest lacks',
    domain({ extra: hugepages("<page size='2048' unit='KiB' nodeset='1,4'/>", 4) }),
    'hugepages: node 4 not found',
  ],
  [
    'two hugepage sizes for one NUMA node',
    domain({
      extra: hugepages("<page size='2' unit='MiB' nodeset='0'/><page size='1' unit='GiB' nodeset='0-1'/>", 2),
    }),
    'nodeset attribute of hugepages of sizes 1048576 and 2048 intersect',
  ],
  [
    'two hugepage sizes for every node',
    domain({ extra: hugepages("<page size='2048'/><page size='1048576'/>") }),
    'two master hugepages detected: 1048576 and 2048',
  ],
  [
    'a variable store for BIOS firmware',
    domain({ os: '<nvram>/vars.fd</nvram>' }).replace('<os>', "<os firmware='bios'>"),
    "firmware type 'bios' does not support nvram",
  ],
  [
    'a loader without a path and no autoselection',
    domain({ os: "<loader readonly='yes' type='pflash'/>" }),
    'no loader path specified and firmware auto selection disabled',
  ],
  [
    'a variable store for a stateless loader',
    domain({ os: "<loader stateless='yes' type='pflash'>/code.fd</loader><nvram>/vars.fd</nvram>" }),
    'NVRAM is not permitted when loader is stateless',
  ],
  [
    'a stateful ROM loader',
    domain({ os: "<loader stateless='no'>/bios.bin</loader>" }),
    'Only pflash loader type permits NVRAM',
  ],
  [
    'stateful BIOS firmware',
    domain({ os: "<loader stateless='no'/>" }).replace('<os>', "<os firmware='bios'>"),
    'Only EFI firmware permits NVRAM',
  ],
];

describe('generic domain validation (virDomainDefValidate)', () => {
  it.each(REJECTED)('refuses %s with libvirt’s message', (_what, xml, message) => {
    expect(errorOf(() => parseDomainXml(xml))?.message).toBe(message);
  });

  it('accepts what those checks allow', () => {
    const devices =
      networkDisk('rbd', "<secret type='ceph' usage='x'/>") +
      `<disk type='block' device='disk'><source dev='/dev/sdb'/><target dev='sdb' bus='scsi'/></disk>${scsiHostdev(1, DRIVE_0)}`;
    const extra = hugepages("<page size='2048' nodeset='1'/><page size='1048576'/>", 2);
    const os = "<loader type='pflash' stateless='no'>/code.fd</loader><nvram>/vars.fd</nvram>";
    expect(parseDomainXml(domain({ os, devices, extra })).name).toBe('vm');
  });
});
