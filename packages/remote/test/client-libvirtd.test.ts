import { type Connection, type DomainEvent, openConnection } from '@virtkit/core';
import { afterEach, describe, expect, test } from 'vitest';
import { driver } from '../src/client/driver.js';

// libvirtd 9.0 runs beside the tests; its test:///default is private to each connection.
const TEST_URI = 'test+unix:///default?socket=/run/libvirt/libvirt-sock';

let connection: Connection | undefined;

afterEach(async () => {
  await connection?.close();
  connection = undefined;
});

async function open(uri = TEST_URI, readonly = false): Promise<Connection> {
  connection = await openConnection(uri, { drivers: [driver], readonly });
  return connection;
}

describe('the remote driver against real libvirtd', () => {
  test('lists, looks up and reads the test domain', async () => {
    const conn = await open();
    expect(conn.getUri()).toBe(TEST_URI);
    const [test] = await conn.listAllDomains();
    expect(test?.ref).toEqual({ name: 'test', uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', id: 1 });
    const byUuid = await conn.lookupDomainByUuid('6695eb01-f6a4-8304-79aa-97f2502e193f');
    expect(byUuid.ref.name).toBe('test');
    expect(await byUuid.getState()).toEqual({ state: 'running', reason: 'unknown' });
    expect(await byUuid.getInfo()).toMatchObject({ state: 'running', maxMemKiB: 8388608, nrVirtCpu: 2 });
    expect(await byUuid.getXmlDesc()).toContain('<name>test</name>');
    expect(await conn.getType()).toBe('TEST');
    expect(await conn.getNodeInfo()).toMatchObject({ model: 'i686', cpus: 16 });
    expect(await conn.getSecurityModel()).toEqual({ model: 'testSecurity', doi: '' });
  });

  test('lifecycle events of the connection own suspend and resume reach its subscriber', async () => {
    const conn = await open();
    const events: DomainEvent[] = [];
    const subscription = conn.subscribe({ id: 'lifecycle' }, (event) => events.push(event));
    await subscription.ready;
    const test = await conn.lookupDomainByName('test');
    await test.suspend();
    expect(await test.getState()).toEqual({ state: 'paused', reason: 'user' });
    await test.resume();
    await expect.poll(() => events.length).toBe(2);
    expect(
      events.map((event) => event.id === 'lifecycle' && [event.domain.name, event.type, event.detail]),
    ).toEqual([
      ['test', 'suspended', 'paused'],
      ['test', 'resumed', 'unpaused'],
    ]);
  });

  test('server errors keep libvirt code, domain and text', async () => {
    const conn = await open();
    await expect(conn.lookupDomainByName('nope')).rejects.toMatchObject({
      code: 'NO_DOMAIN',
      domain: 'TEST',
      message: 'Domain not found',
    });
    const test = await conn.lookupDomainByName('test');
    await expect(test.resume()).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
      message: "internal error: domain 'test' not paused",
    });
  });

  test('a read-only connection reads and is refused changes', async () => {
    const conn = await open(TEST_URI, true);
    const test = await conn.lookupDomainByName('test');
    expect((await test.getState()).state).toBe('running');
    await expect(test.suspend()).rejects.toThrow(
      'operation forbidden: read only access prevents virDomainSuspend',
    );
  });

  test('a missing socket fails with libvirt connect error', async () => {
    await expect(
      openConnection('test+unix:///default?socket=/nonexistent/sock', { drivers: [driver] }),
    ).rejects.toMatchObject({
      code: 'SYSTEM_ERROR',
      message: "Failed to connect socket to '/nonexistent/sock': No such file or directory",
    });
  });
});
