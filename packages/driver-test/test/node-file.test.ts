import { formatState } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { open, useConnections, useTempDir } from './helpers.js';

const domainXml = (name: string, extra = '') =>
  `<domain type='test'><name>${name}</name><memory>1024</memory><os><type>hvm</type></os>${extra}</domain>`;

const NODE = `<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
  <cpu><mhz>6000</mhz><model>i986</model><active>50</active><nodes>4</nodes><sockets>4</sockets><cores>4</cores><threads>2</threads></cpu>
  <memory>8192000</memory>
  <domain file='fromfile.xml'/>
  ${domainXml('paused', '<uuid>11111111-2222-3333-4444-555555555555</uuid><test:runstate>3</test:runstate>')}
  ${domainXml('saved', '<test:runstate>5</test:runstate><test:hasmanagedsave/>')}
  ${domainXml('transient', '<test:transient/>')}
  <network><name>n1</name><uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid><bridge name='br1'/></network>
  <pool type='dir'><name>p1</name><target><path>/p1</path></target><volume><name>v1</name><capacity>1000</capacity></volume></pool>
</node>
`;

describe('test:///PATH.xml node files', () => {
  const track = useConnections();
  const files = useTempDir();

  it('load domains inline and by file=, with test: runtime state, node info, networks and pools', async () => {
    files.write('fromfile.xml', domainXml('fromfile', '<vcpu>3</vcpu>'));
    const path = files.write('node.xml', NODE);
    const conn = track(await open(`test://${path}`));
    const listed = await conn.listAllDomains();
    expect(listed.map((d) => [d.name, d.id])).toEqual([
      ['fromfile', 1],
      ['paused', 2],
      ['saved', -1],
      ['transient', 3],
    ]);
    const states = await Promise.all(listed.map(async (d) => formatState(await d.getState(), true)));
    expect(states).toEqual([
      'running (unknown)',
      'paused (unknown)',
      'shut off (unknown)',
      'running (unknown)',
    ]);
    expect(listed[1]?.uuid).toBe('11111111-2222-3333-4444-555555555555');
    expect(await listed[2]?.hasManagedSaveImage()).toBe(true);
    expect(await listed[3]?.isPersistent()).toBe(false);
    expect(await listed[0]?.getVcpusFlags({ maximum: true })).toBe(3);
    expect(await listed[1]?.getXmlDesc()).not.toContain('test:');
    expect(await conn.getNodeInfo()).toEqual({
      model: 'i986',
      memoryKiB: 8192000,
      cpus: 50,
      mhz: 6000,
      nodes: 4,
      sockets: 4,
      cores: 4,
      threads: 2,
    });
    expect(await conn.getCapabilities()).toContain("<cells num='0'>");
  });

  it('keep networks and pools as node data', async () => {
    const { loadNode } = await import('../src/index.js');
    const node = loadNode(NODE.replace("<domain file='fromfile.xml'/>", ''), 'node.xml');
    expect(
      node.networks.map(({ name, uuid, active, autostart, persistent }) => ({
        name,
        uuid,
        active,
        autostart,
        persistent,
      })),
    ).toEqual([
      {
        name: 'n1',
        uuid: 'dd8fe884-6c02-601e-7551-cca97df1c5df',
        active: true,
        autostart: false,
        persistent: true,
      },
    ]);
    expect(node.pools.map(({ name, type, volumes }) => ({ name, type, volumes }))).toEqual([
      { name: 'p1', type: 'dir', volumes: [{ name: 'v1', path: '/p1/v1' }] },
    ]);
  });

  it.each([
    [
      'a missing file',
      () => '/nonexistent-virtkit.xml',
      'XML_ERROR',
      "XML error: failed to parse xml document '/nonexistent-virtkit.xml'",
    ],
    [
      'a relative-looking path',
      () => '/relative',
      'XML_ERROR',
      "XML error: failed to parse xml document '/relative'",
    ],
    ['no path', () => '', 'INVALID_ARG', 'invalid argument: testOpen: supply a path or use test:///default'],
    [
      'another root',
      (w: Write) => w('foo.xml', '<foo/>'),
      'XML_ERROR',
      "XML error: expecting root element of 'node', not 'foo'",
    ],
    [
      'a truncated file',
      (w: Write) => w('bad.xml', '<node><domain>\n'),
      'XML_DETAIL',
      /bad\.xml:2: Premature end of data in tag domain line 1$/,
    ],
    [
      'mismatched tags',
      (w: Write) => w('bad.xml', '<node>\n<domain/>\n</nodes>'),
      'XML_DETAIL',
      /bad\.xml:3: Opening and ending tag mismatch: node line 1 and nodes$/,
    ],
    [
      'a missing domain file',
      (w: Write) => w('node.xml', "<node><domain file='gone.xml'/></node>"),
      'XML_ERROR',
      /failed to parse xml document '.*\/gone\.xml'$/,
    ],
    [
      'an out-of-range runstate',
      (w: Write) => w('node.xml', `<node>${domainXml('x', '<test:runstate>9</test:runstate>')}</node>`),
      'XML_ERROR',
      "XML error: runstate '9' out of range'",
    ],
    [
      'a shut-off transient domain',
      (w: Write) =>
        w('node.xml', `<node>${domainXml('x', '<test:runstate>5</test:runstate><test:transient/>')}</node>`),
      'XML_ERROR',
      "XML error: transient domain cannot have runstate 'shutoff'",
    ],
  ] as const)('refuse %s with libvirt error', async (_, path, code, message) => {
    const error = await open(`test://${path(files.write)}`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'VirtError', code });
    const text = (error as Error).message;
    if (typeof message === 'string') expect(text).toBe(message);
    else expect(text).toMatch(message);
  });

  it('load a node of 1,000 domains, each parsed only when used', async () => {
    const domains = Array.from({ length: 1000 }, (_, i) =>
      domainXml(`dom${i}`, i % 2 ? '<test:runstate>5</test:runstate>' : ''),
    );
    const path = files.write('node1000.xml', `<node>${domains.join('\n')}</node>`);
    const conn = track(await open(`test://${path}`));
    const listed = await conn.listAllDomains();
    expect(listed).toHaveLength(1000);
    expect(new Set(listed.map((d) => d.uuid)).size).toBe(1000);
    expect((await conn.listAllDomains({ active: true })).map((d) => d.id)).toEqual(
      Array.from({ length: 500 }, (_, i) => i + 1),
    );
    const last = await conn.lookupDomainByName('dom999');
    expect(await last.getXmlDesc()).toContain(`<uuid>${last.uuid}</uuid>`);
  });
});

type Write = (name: string, text: string) => string;
