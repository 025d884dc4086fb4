import type { NumaCell } from './default-node.js';
import { SECURITY_MODEL } from './host-facts.js';

/** Host page sizes, KiB; a cell counts its memory in its first one and lists the huge ones empty. */
const PAGE_SIZES = [4, 8, 2048, 1048576];
const HUGE_PAGES = PAGE_SIZES.slice(2);

function cellXml(cell: NumaCell, id: number): string {
  const pages = [
    `          <pages unit='KiB' size='${cell.pageKiB}'>${cell.memoryKiB / cell.pageKiB}</pages>`,
    ...HUGE_PAGES.map((size) => `          <pages unit='KiB' size='${size}'>0</pages>`),
  ];
  const cpus = cell.cpuIds.map(
    (cpu, core) =>
      `            <cpu id='${cpu}' socket_id='${id}' die_id='0' core_id='${core}' siblings='${cpu}'/>`,
  );
  return [
    `        <cell id='${id}'>`,
    `          <memory unit='KiB'>${cell.memoryKiB}</memory>`,
    ...pages,
    `          <cpus num='${cell.cpuIds.length}'>`,
    ...cpus,
    '          </cpus>',
    '        </cell>',
  ].join('\n');
}

function guestXml(osType: string): string {
  return `  <guest>
    <os_type>${osType}</os_type>
    <arch name='i686'>
      <wordsize>32</wordsize>
      <emulator>/usr/bin/test-hv</emulator>
      <domain type='test'/>
    </arch>
    <features>
      <pae/>
      <nonpae/>
    </features>
  </guest>
`;
}

/** The capabilities document of libvirt's test driver (testBuildCapabilities), for the node's cells. */
export function capabilitiesXml(cells: readonly NumaCell[]): string {
  const cellLines = cells.map(cellXml);
  return `<capabilities>

  <host>
    <cpu>
      <arch>i686</arch>
      <features>
        <pae/>
        <nonpae/>
      </features>
${PAGE_SIZES.map((size) => `      <pages unit='KiB' size='${size}'/>`).join('\n')}
    </cpu>
    <power_management/>
    <iommu support='no'/>
    <topology>
      <cells num='${cells.length}'>
${cellLines.length > 0 ? `${cellLines.join('\n')}\n` : ''}      </cells>
    </topology>
    <secmodel>
      <model>${SECURITY_MODEL.model}</model>
      <doi>${SECURITY_MODEL.doi}</doi>
    </secmodel>
  </host>

${guestXml('hvm')}
${guestXml('xen')}
</capabilities>
`;
}
