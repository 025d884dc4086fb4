import { describe, expect, it } from 'vitest';
import { formatDomainXml, isVirtError, parseDomainXml } from '../src/index.js';

function withCputune(cputune: string, vcpus = 2, extra = ''): string {
  return `<domain type='kvm'><name>vm</name><memory>1</memory><vcpu>${vcpus}</vcpu>${extra}<cputune>${cputune}</cputune><os><type>hvm</type></os></domain>`;
}

function cputuneOf(xml: string): string {
  const out = formatDomainXml(parseDomainXml(xml));
  return out.slice(out.indexOf('  <cputune>'), out.indexOf('</cputune>') + '</cputune>'.length);
}

describe('<cputune>', () => {
  it('limits cachetune vcpus to the domain and drops groups left empty', () => {
    const xml = withCputune(
      "<cachetune vcpus='0-5'><cache id='0' level='3' type='both' size='1' unit='MiB'/></cachetune>" +
        "<cachetune vcpus='7'><cache id='1' level='3' type='both' size='1' unit='MiB'/></cachetune>",
    );
    expect(cputuneOf(xml)).toBe(
      "  <cputune>\n    <cachetune vcpus='0-1'>\n      <cache id='0' level='3' type='both' size='1' unit='MiB'/>\n    </cachetune>\n  </cputune>",
    );
  });

  it('writes one scheduler element per thread, in id order', () => {
    const xml = withCputune(
      "<iothreadsched iothreads='3,1' scheduler='batch'/><vcpusched vcpus='1-2,^2' scheduler='idle'/><vcpusched vcpus='0' scheduler='fifo' priority='5'/>",
      3,
      '<iothreads>3</iothreads>',
    );
    expect(cputuneOf(xml)).toBe(
      [
        '  <cputune>',
        "    <vcpusched vcpus='0' scheduler='fifo' priority='5'/>",
        "    <vcpusched vcpus='1' scheduler='idle'/>",
        "    <iothreadsched iothreads='1' scheduler='batch'/>",
        "    <iothreadsched iothreads='3' scheduler='batch'/>",
        '  </cputune>',
      ].join('\n'),
    );
  });

  it('rejects overlapping schedulers and unknown iothreads with libvirt’s messages', () => {
    const message = (xml: string) => {
      try {
        parseDomainXml(xml);
      } catch (error) {
        expect(isVirtError(error)).toBe(true);
        return (error as Error).message;
      }
      return undefined;
    };
    expect(
      message(
        withCputune("<vcpusched vcpus='0-1' scheduler='idle'/><vcpusched vcpus='1' scheduler='idle'/>"),
      ),
    ).toBe("'vcpusched' attributes 'vcpus' must not overlap");
    expect(
      message(withCputune("<iothreadsched iothreads='2' scheduler='batch'/>", 2, '<iothreads>1</iothreads>')),
    ).toBe("unsupported configuration: Cannot find 'iothread' : 2");
  });
});
