import type { NodeInfo } from '@virtkit/core';

/** The node every process gets for `test:///default`: the same objects libvirt's test driver builds in. */
export const DEFAULT_NODE_XML = `<node>
  <domain type='test'>
    <name>test</name>
    <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
    <memory>8388608</memory>
    <currentMemory>2097152</currentMemory>
    <vcpu>2</vcpu>
    <os>
      <type>hvm</type>
    </os>
    <devices>
      <disk type='file' device='disk'>
        <source file='/guest/diskimage1'/>
        <target dev='vda' bus='virtio'/>
        <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
      </disk>
      <interface type='network'>
        <mac address='aa:bb:cc:dd:ee:ff'/>
        <source network='default'/>
        <address type='pci' domain='0x0000' bus='0x00' slot='0x1' function='0x0'/>
      </interface>
      <memballoon model='virtio'>
        <address type='pci' domain='0x0000' bus='0x00' slot='0x2' function='0x0'/>
      </memballoon>
    </devices>
  </domain>
  <network>
    <name>default</name>
    <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>
    <bridge name='virbr0'/>
    <forward/>
    <ip address='192.168.122.1' netmask='255.255.255.0'>
      <dhcp>
        <range start='192.168.122.2' end='192.168.122.254'/>
      </dhcp>
    </ip>
  </network>
  <interface type='ethernet' name='eth1'>
    <start mode='onboot'/>
    <mac address='aa:bb:cc:dd:ee:ff'/>
    <mtu size='1492'/>
    <protocol family='ipv4'>
      <ip address='192.168.0.5' prefix='24'/>
      <route gateway='192.168.0.1'/>
    </protocol>
  </interface>
  <pool type='dir'>
    <name>default-pool</name>
    <uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>
    <target>
      <path>/default-pool</path>
    </target>
  </pool>
  <device>
    <name>computer</name>
    <capability type='system'/>
  </device>
  <device>
    <name>scsi_host1</name>
    <parent>computer</parent>
    <capability type='scsi_host'/>
  </device>
  <device>
    <name>scsi_host2</name>
    <parent>computer</parent>
    <capability type='scsi_host'/>
  </device>
  <device>
    <name>scsi_host11</name>
    <parent>scsi_host1</parent>
    <capability type='scsi_host'/>
  </device>
</node>
`;

/** libvirt's test node: 16 i686 CPUs at 1400 MHz on 2 NUMA cells, 3 GiB. A node file may change it. */
export const DEFAULT_NODE_INFO: NodeInfo = {
  model: 'i686',
  memoryKiB: 3 * 1024 * 1024,
  cpus: 16,
  mhz: 1400,
  nodes: 2,
  sockets: 2,
  cores: 2,
  threads: 2,
};

/** The NUMA cells `test:///default` reports in its capabilities; a node file has none. */
export interface NumaCell {
  readonly memoryKiB: number;
  /** Page size (KiB) the cell's memory is counted in. */
  readonly pageKiB: number;
  readonly cpuIds: readonly number[];
}

export const DEFAULT_NUMA_CELLS: readonly NumaCell[] = [0, 1].map((cell) => ({
  memoryKiB: (cell + 1) * 2048 * 1024,
  pageKiB: cell === 1 ? 8 : 4,
  cpuIds: Array.from({ length: 8 }, (_, i) => cell * 8 + i),
}));
