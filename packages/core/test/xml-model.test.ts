import { describe, expect, it } from 'vitest';
import {
  type DiskDef,
  formatDomainXml,
  type GraphicsDef,
  isVirtError,
  parseDomainXml,
  scaleInteger,
} from '../src/index.js';

function domain(body: string, attrs = "type='kvm'"): string {
  return `<domain ${attrs}>\n<name>vm</name>\n${body}\n<os><type>hvm</type></os>\n</domain>`;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    expect(isVirtError(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected a VirtError');
}

describe('parseDomainXml', () => {
  it('normalises memory units to KiB and defaults currentMemory to memory', () => {
    const def = parseDomainXml(domain("<memory unit='GiB'>2</memory>"));
    expect(def.memory.memoryKiB).toBe(2 * 1024 * 1024);
    expect(def.memory.currentMemoryKiB).toBe(2 * 1024 * 1024);
    const xml = formatDomainXml(def);
    expect(xml).toContain("<memory unit='KiB'>2097152</memory>");
    expect(xml).toContain("<currentMemory unit='KiB'>2097152</currentMemory>");
  });

  it('normalises hugepage, NUMA cell and memory device sizes to KiB', () => {
    const xml = formatDomainXml(
      parseDomainXml(
        domain(`<memory>1</memory>
          <memoryBacking><hugepages><page size='2' unit='MiB' nodeset='0'/></hugepages></memoryBacking>
          <cpu><numa><cell id='0' cpus='0' memory='1' unit='GiB' memAccess='shared'/></numa></cpu>
          <devices><memory model='dimm'><target><size unit='MiB'>512</size><node>0</node></target></memory></devices>`),
      ),
    );
    expect(xml).toContain("<page size='2048' unit='KiB' nodeset='0'/>");
    expect(xml).toContain("<cell id='0' cpus='0' memory='1048576' unit='KiB' memAccess='shared'/>");
    expect(xml).toContain("<size unit='KiB'>524288</size>");
  });

  it('scales units the way virScaleInteger does', () => {
    expect(scaleInteger(1, 'KB', 1)).toBe(1000);
    expect(scaleInteger(1, 'k', 1)).toBe(1024);
    expect(scaleInteger(1, 'MiB', 1)).toBe(1024 ** 2);
    expect(scaleInteger(3, 'bytes', 1024)).toBe(3);
    expect(scaleInteger(2, undefined, 1024)).toBe(2048);
    expect(errorOf(() => scaleInteger(1, 'XB', 1)).message).toBe("invalid argument: unknown suffix 'XB'");
  });

  it('fills the generic defaults libvirt writes', () => {
    const xml = formatDomainXml(parseDomainXml(domain('<memory>1024</memory>'), { defaultArch: 'x86_64' }));
    expect(xml).toContain("<vcpu placement='static'>1</vcpu>");
    expect(xml).toContain("<type arch='x86_64'>hvm</type>");
    expect(xml).toContain("<boot dev='hd'/>");
    expect(xml).toContain("<clock offset='utc'/>");
    expect(xml).toMatch(
      /<on_poweroff>destroy<\/on_poweroff>\n {2}<on_reboot>restart<\/on_reboot>\n {2}<on_crash>destroy/,
    );
    expect(xml.startsWith("<domain type='kvm'>\n  <name>vm</name>\n  <uuid>")).toBe(true);
  });

  it('generates a v4 UUID when none is given and normalises a given one', () => {
    const generated = parseDomainXml(domain('<memory>1</memory>')).uuid;
    expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const given = parseDomainXml(domain('<uuid>C7A5FDBDEDAF9455926AD65C16DB1809</uuid><memory>1</memory>'));
    expect(given.uuid).toBe('c7a5fdbd-edaf-9455-926a-d65c16db1809');
  });

  it('lower-cases MAC addresses', () => {
    const def = parseDomainXml(
      domain(
        "<memory>1</memory><devices><interface type='network'><mac address='52:54:00:AB:CD:0E'/><source network='default'/></interface></devices>",
      ),
    );
    expect(formatDomainXml(def)).toContain("<mac address='52:54:00:ab:cd:0e'/>");
  });

  it('keeps the live id and aliases unless parsing or formatting inactive', () => {
    const xml = domain(
      "<memory>1</memory><devices><disk type='file' device='disk'><source file='/a.img'/><target dev='vda'/><alias name='virtio-disk0'/></disk></devices>",
      "type='kvm' id='7'",
    );
    const live = parseDomainXml(xml);
    expect(live.id).toBe(7);
    expect(formatDomainXml(live)).toContain("<domain type='kvm' id='7'>");
    expect(formatDomainXml(live)).toContain("<alias name='virtio-disk0'/>");
    expect(formatDomainXml(live, { inactive: true })).not.toMatch(/id='7'|alias/);
    const inactive = parseDomainXml(xml, { inactive: true });
    expect(inactive.id).toBeUndefined();
    expect((inactive.devices[0] as DiskDef).info.alias).toBeUndefined();
  });

  it('types disks with the bus implied by their target name', () => {
    const def = parseDomainXml(
      domain(
        "<memory>1</memory><devices><disk type='file' device='disk'><source file='/a.img'/><target dev='vda'/></disk></devices>",
      ),
    );
    const disk = def.devices[0] as DiskDef;
    expect(disk).toMatchObject({ kind: 'disk', type: 'file', device: 'disk', source: { file: '/a.img' } });
    expect(disk.target).toMatchObject({ dev: 'vda', bus: 'virtio' });
  });

  it('treats a VNC port with autoport=yes as runtime data unless parsing status XML', () => {
    const xml = domain(
      "<memory>1</memory><devices><graphics type='vnc' port='5901' autoport='yes'/></devices>",
    );
    expect(formatDomainXml(parseDomainXml(xml))).toContain("<graphics type='vnc' port='-1' autoport='yes'>");
    expect(formatDomainXml(parseDomainXml(xml, { status: true }))).toContain(
      "<graphics type='vnc' port='5901' autoport='yes'>",
    );
    const manual = domain("<memory>1</memory><devices><graphics type='vnc' port='5901'/></devices>");
    expect(formatDomainXml(parseDomainXml(manual))).toContain(
      "<graphics type='vnc' port='5901' autoport='no'>",
    );
  });

  it('writes graphics passwords only with the secure flag', () => {
    const def = parseDomainXml(
      domain("<memory>1</memory><devices><graphics type='vnc' passwd='s3cret'/></devices>"),
    );
    expect((def.devices[0] as GraphicsDef).passwd).toBe('s3cret');
    expect(formatDomainXml(def)).not.toContain('passwd');
    expect(formatDomainXml(def, { secure: true })).toContain("passwd='s3cret'");
  });

  it('writes elements and attributes in libvirt order whatever the input order', () => {
    const def = parseDomainXml(
      "<domain type='kvm'><devices><disk device='disk' type='file'><target bus='virtio' dev='vda'/><source file='/a'/></disk></devices><os><type>hvm</type></os><memory>1</memory><name>vm</name></domain>",
    );
    const xml = formatDomainXml(def);
    expect(xml).toContain(
      "    <disk type='file' device='disk'>\n      <source file='/a'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>",
    );
    expect(xml.indexOf('<name>')).toBeLessThan(xml.indexOf('<memory'));
  });

  it('decodes character references and keeps CDATA literal', () => {
    const def = parseDomainXml(
      domain(
        '<title>a&#65;&#x42;&amp;#67;</title><description><![CDATA[x &amp; <y>]]></description><memory>1</memory>',
      ),
    );
    expect(def.title).toBe('aAB&#67;');
    expect(def.description).toBe('x &amp; <y>');
  });

  it('escapes text and attribute values like libvirt', () => {
    const xml = formatDomainXml(parseDomainXml(domain("<title>a &amp; b's</title><memory>1</memory>")));
    expect(xml).toContain('<title>a &amp; b&apos;s</title>');
  });
});

describe('parseDomainXml errors', () => {
  it('reports malformed XML with the document name and line', () => {
    const error = errorOf(() => parseDomainXml("<domain type='kvm'>\n<name>vm</nam>\n</domain>"));
    expect(error.message).toMatch(/^\(domain_definition\):2: /);
  });

  it('rejects a root element other than <domain>', () => {
    expect(errorOf(() => parseDomainXml('<network/>')).message).toBe(
      "XML error: expecting root element of 'domain', not 'network'",
    );
  });

  it('requires a name', () => {
    expect(
      errorOf(() => parseDomainXml("<domain type='kvm'><os><type>hvm</type></os></domain>")).message,
    ).toBe('missing name information');
  });

  it('rejects an unknown virtualization type and bad lifecycle actions', () => {
    expect(errorOf(() => parseDomainXml(domain('<memory>1</memory>', "type='foo'"))).message).toBe(
      'unsupported configuration: invalid domain type foo',
    );
    expect(
      errorOf(() => parseDomainXml(domain('<memory>1</memory><on_crash>explode</on_crash>'))).message,
    ).toBe("XML error: Invalid value for element 'on_crash': 'explode'");
  });

  it('never throws anything but a VirtError', () => {
    for (const input of [
      '',
      'not xml',
      '<domain',
      '<domain type="kvm"/>',
      '<domain type="kvm"><name>x</name></domain>',
    ]) {
      errorOf(() => parseDomainXml(input));
    }
  });

  it('rejects what libvirt’s generic validation rejects', () => {
    const disks = (a: string, b: string) =>
      domain(
        `<memory>1</memory><devices><disk type='file' device='disk'><source file='/a'/><target dev='${a}' bus='ide'/></disk><disk type='file' device='disk'><source file='/b'/><target dev='${b}' bus='ide'/></disk></devices>`,
      );
    expect(errorOf(() => parseDomainXml(disks('hda', 'hda'))).message).toBe(
      "XML error: target 'hda' duplicated for disk sources '/b' and '/a'",
    );
    expect(errorOf(() => parseDomainXml(disks('hda', 'hdb1'))).message).toBe(
      "unsupported configuration: invalid disk target 'hdb1', partitions can't appear in disk targets",
    );
    const bootBoth =
      "<memory>1</memory><devices><disk type='file'><source file='/a'/><target dev='vda'/><boot order='1'/></disk></devices>";
    expect(
      errorOf(() =>
        parseDomainXml(
          `<domain type='kvm'><name>vm</name>${bootBoth}<os><type>hvm</type><boot dev='hd'/></os></domain>`,
        ),
      ).message,
    ).toBe(
      'unsupported configuration: per-device boot elements cannot be used together with os/boot elements',
    );
  });

  it('reports trailing content after the root element', () => {
    expect(errorOf(() => parseDomainXml("<domain type='kvm'/><domain/>")).message).toBe(
      '(domain_definition):1: Extra content at the end of the document',
    );
  });
});
