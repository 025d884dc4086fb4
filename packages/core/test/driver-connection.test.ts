import { afterEach, describe, expect, it } from 'vitest';
import {
  type Connection,
  type DomainEvent,
  EventBus,
  type OpenConnectionOptions,
  openConnection,
} from '../src/index.js';
import { expectVirtError } from '../src/testkit/index.js';
import { createMemoryDriver, withoutOperations } from './fixtures/memory-driver.js';

const xml = (name: string, uuid?: string) =>
  `<domain type='test'><name>${name}</name>${uuid ? `<uuid>${uuid}</uuid>` : ''}<memory>1024</memory></domain>`;
const UUID = '4dea22b3-1d52-d8f3-2516-782e98ab3fa0';

const opened: Connection[] = [];
afterEach(async () => {
  for (const conn of opened.splice(0)) await conn.close().catch(() => {});
});

async function open(options: OpenConnectionOptions = {}): Promise<Connection> {
  const conn = await openConnection('memory:///default', {
    drivers: [createMemoryDriver()],
    env: {},
    ...options,
  });
  opened.push(conn);
  return conn;
}

describe('Connection: read-only access', () => {
  it("refuses writes with libvirt's text naming the API, and allows reads", async () => {
    const driver = createMemoryDriver();
    const rw = await open({ drivers: [driver] });
    await rw.defineXml(xml('vm1'));
    const ro = await open({ drivers: [driver], readonly: true });
    const dom = await ro.lookupDomainByName('vm1');
    await expectVirtError(
      dom.suspend(),
      'OPERATION_DENIED',
      'operation forbidden: read only access prevents virDomainSuspend',
    );
    await expectVirtError(
      ro.defineXml(xml('vm2')),
      'OPERATION_DENIED',
      'operation forbidden: read only access prevents virDomainDefineXML',
    );
    await expectVirtError(
      ro.defineXml(xml('vm2'), { validate: true }),
      'OPERATION_DENIED',
      'operation forbidden: read only access prevents virDomainDefineXMLFlags',
    );
    await expectVirtError(
      dom.getXmlDesc({ secure: true }),
      'OPERATION_DENIED',
      'operation forbidden: virDomainGetXMLDesc with secure flag',
    );
    expect(await dom.getXmlDesc()).toContain('<name>vm1</name>');
    expect((await ro.listAllDomains()).map((d) => d.name)).toEqual(['vm1']);
  });

  it('checks read-only access before support, as libvirt does', async () => {
    const driver = createMemoryDriver();
    const ro = await open({ drivers: [driver], readonly: true });
    const dom = await (await open({ drivers: [driver] })).defineXml(xml('vm1'));
    await expectVirtError(
      (await ro.lookupDomainByUuid(dom.uuid)).setAutostart(true),
      'OPERATION_DENIED',
      'operation forbidden: read only access prevents virDomainSetAutostart',
    );
  });
});

describe('Connection: capabilities', () => {
  it('answers NO_SUPPORT naming the libvirt API for an operation the driver lacks', async () => {
    const conn = await open();
    const dom = await conn.defineXml(xml('vm1'));
    expect(conn.supports('getDomainHostname')).toBe(false);
    expect(conn.supports('suspend')).toBe(true);
    await expectVirtError(
      dom.getHostname(),
      'NO_SUPPORT',
      'this function is not supported by the connection driver: virDomainGetHostname',
    );
    await expectVirtError(
      conn.getNodeInfo(),
      'NO_SUPPORT',
      'this function is not supported by the connection driver: virNodeGetInfo',
    );
  });

  it('answers state and persistence from the listing when the driver has no query for them', async () => {
    const conn = await open({
      drivers: [withoutOperations(createMemoryDriver(), ['getState', 'isPersistent'])],
    });
    const dom = await conn.defineXml(xml('vm1'));
    await dom.create();
    expect(await dom.getState()).toEqual({ state: 'running', reason: 'booted' });
    expect(await dom.isActive()).toBe(true);
    expect(await dom.isPersistent()).toBe(true);
    await dom.destroy();
    await dom.undefine();
    await expectVirtError(
      dom.getState(),
      'NO_DOMAIN',
      `Domain not found: no domain with matching uuid '${dom.uuid}' (vm1)`,
    );
  });
});

describe('Connection: arguments', () => {
  it('rejects unknown shutdown modes and exclusive undefine flags', async () => {
    const dom = await (await open()).defineXml(xml('vm1'));
    await expectVirtError(
      dom.shutdown({ modes: ['acpi', 'bogus' as 'acpi'] }),
      'INVALID_ARG',
      "invalid argument: Unknown mode bogus value, expecting 'acpi', 'agent', 'initctl', 'signal' or 'paravirt'",
    );
    await expectVirtError(
      dom.undefine({ nvram: true, keepNvram: true }),
      'INVALID_ARG',
      "invalid argument: Flags 'VIR_DOMAIN_UNDEFINE_NVRAM' and 'VIR_DOMAIN_UNDEFINE_KEEP_NVRAM' are mutually exclusive",
    );
  });
});

describe('Connection: lookups', () => {
  it('finds a domain by any spelling of its uuid, and by id while running', async () => {
    const conn = await open();
    const dom = await conn.defineXml(xml('vm1', UUID));
    expect((await conn.lookupDomainByUuid(` ${UUID.replaceAll('-', '').toUpperCase()} `)).name).toBe('vm1');
    await dom.create();
    expect(dom.id).toBeGreaterThan(0);
    expect((await conn.lookupDomainById(dom.id)).uuid).toBe(UUID);
    await dom.destroy();
    expect(dom.id).toBe(-1);
  });

  it.each([
    [
      'name',
      (c: Connection) => c.lookupDomainByName('nope'),
      'NO_DOMAIN',
      "Domain not found: no domain with matching name 'nope'",
    ],
    [
      'uuid',
      (c: Connection) => c.lookupDomainByUuid(UUID),
      'NO_DOMAIN',
      `Domain not found: no domain with matching uuid '${UUID}'`,
    ],
    [
      'id',
      (c: Connection) => c.lookupDomainById(7),
      'NO_DOMAIN',
      'Domain not found: no domain with matching id 7',
    ],
    [
      'malformed uuid',
      (c: Connection) => c.lookupDomainByUuid('not-a-uuid'),
      'INVALID_ARG',
      'invalid argument: uuidstr in virDomainLookupByUUIDString must be a valid UUID',
    ],
    [
      'negative id',
      (c: Connection) => c.lookupDomainById(-1),
      'INVALID_ARG',
      'invalid argument: id in virDomainLookupByID must be zero or greater',
    ],
  ] as const)("a missing or malformed %s fails with libvirt's text", async (_what, lookup, code, message) => {
    await expectVirtError(lookup(await open()), code, message);
  });
});

describe('Connection: listAllDomains filters', () => {
  it('filters by activity, persistence and state group', async () => {
    const conn = await open();
    const running = await conn.defineXml(xml('running'));
    await running.create();
    const paused = await conn.defineXml(xml('paused'));
    await paused.create({ paused: true });
    await conn.defineXml(xml('off'));
    await conn.createXml(xml('transient'));
    const names = async (filter: Parameters<Connection['listAllDomains']>[0]) =>
      (await conn.listAllDomains(filter)).map((d) => d.name).sort();

    expect(await names({})).toEqual(['off', 'paused', 'running', 'transient']);
    expect(await names({ active: false })).toEqual(['off']);
    expect(await names({ persistent: false })).toEqual(['transient']);
    expect(await names({ states: ['paused', 'shutoff'] })).toEqual(['off', 'paused']);
    expect(await names({ active: true, persistent: true, states: ['running'] })).toEqual(['running']);
    expect(await names({ states: ['other'] })).toEqual([]);
    expect(await names({ autostart: true })).toEqual([]);
  });
});

describe('Connection: events and close', () => {
  it('delivers events by domain and id, and stops after unsubscribe', async () => {
    const conn = await open();
    const seen: string[] = [];
    const label = (e: DomainEvent) => `${e.domain.name}:${e.id === 'lifecycle' ? e.type : e.id}`;
    const vm1 = await conn.defineXml(xml('vm1'));
    const vm2 = await conn.defineXml(xml('vm2'));
    const byDomain = conn.subscribe({ domain: vm1 }, (e) => seen.push(`dom ${label(e)}`));
    conn.subscribe({ id: 'reboot' }, (e) => seen.push(`id ${label(e)}`));
    await vm1.create();
    await vm2.create();
    byDomain.unsubscribe();
    await vm1.destroy();
    expect(seen).toEqual(['dom vm1:started']);
  });

  it('drops its subscriptions on close, and refuses use afterwards', async () => {
    const events = new EventBus();
    const conn = await open({ events });
    conn.subscribe({}, () => {});
    conn.subscribe({ id: 'reboot' }, () => {});
    expect(events.subscriberCount).toBe(2);
    await conn.close();
    expect(events.subscriberCount).toBe(0);
    await expectVirtError(
      conn.listAllDomains(),
      'INVALID_CONN',
      'invalid connection pointer in virConnectListAllDomains',
    );
    await expectVirtError(conn.close(), 'INVALID_CONN', 'invalid connection pointer in virConnectClose');
  });
});
