import { type Connection, type Domain, formatState } from '@virtkit/core';
import { expectVirtError } from '@virtkit/core/testkit';
import { describe, expect, it } from 'vitest';
import { open, recordEvents, useConnections } from './helpers.js';

const SAMPLE = (name: string) =>
  `<domain type='test'><name>${name}</name><memory>65536</memory><os><type>hvm</type></os>` +
  `<devices><interface type='network'><source network='default'/></interface></devices></domain>`;

describe('test driver lifecycle, as virsh 9.0 shows it on test:///default', () => {
  const track = useConnections();
  let conn: Connection;
  const setup = async () => {
    conn = track(await open('test:///default'));
    return { dom: await conn.lookupDomainByName('test'), events: recordEvents(conn) };
  };
  const stateOf = async (dom: Domain) => formatState(await dom.getState(), true);

  // Each row: what virsh prints for `<operation> test` in that state (the text after "error: ").
  it.each([
    [
      'suspend',
      'shut off',
      (d: Domain) => d.suspend(),
      'INTERNAL_ERROR',
      "internal error: domain 'test' not running",
    ],
    [
      'suspend',
      'paused',
      (d: Domain) => d.suspend(),
      'INTERNAL_ERROR',
      "internal error: domain 'test' not running",
    ],
    [
      'resume',
      'running',
      (d: Domain) => d.resume(),
      'INTERNAL_ERROR',
      "internal error: domain 'test' not paused",
    ],
    [
      'resume',
      'shut off',
      (d: Domain) => d.resume(),
      'INTERNAL_ERROR',
      "internal error: domain 'test' not paused",
    ],
    [
      'shutdown',
      'shut off',
      (d: Domain) => d.shutdown(),
      'INTERNAL_ERROR',
      "internal error: domain 'test' not running",
    ],
    [
      'start',
      'running',
      (d: Domain) => d.create(),
      'INTERNAL_ERROR',
      "internal error: Domain 'test' is already running",
    ],
    [
      'reboot',
      'shut off',
      (d: Domain) => d.reboot(),
      'OPERATION_INVALID',
      'Requested operation is not valid: domain is not running',
    ],
    [
      'reset',
      'shut off',
      (d: Domain) => d.reset(),
      'OPERATION_INVALID',
      'Requested operation is not valid: domain is not running',
    ],
    [
      'destroy',
      'shut off',
      (d: Domain) => d.destroy(),
      'OPERATION_INVALID',
      'Requested operation is not valid: domain is not running',
    ],
  ] as const)('%s when %s fails with libvirt test driver text', async (_, state, act, code, message) => {
    const { dom } = await setup();
    if (state === 'shut off') await dom.destroy();
    if (state === 'paused') await dom.suspend();
    const before = await stateOf(dom);
    await expectVirtError(act(dom), code, message);
    expect(await stateOf(dom)).toBe(before);
  });

  it.each([
    [
      'start',
      (d: Domain) => d.create({ paused: true }),
      'unsupported flags (0x1) in function testDomainCreateWithFlags',
    ],
    [
      'start',
      (d: Domain) => d.create({ autodestroy: true }),
      'unsupported flags (0x2) in function testDomainCreateWithFlags',
    ],
    [
      'shutdown',
      (d: Domain) => d.shutdown({ modes: ['acpi'] }),
      'unsupported flags (0x1) in function testDomainShutdownFlags',
    ],
    [
      'undefine',
      (d: Domain) => d.undefine({ nvram: true }),
      'unsupported flags (0x4) in function testDomainUndefineFlags',
    ],
  ] as const)('%s refuses options the test driver does not take', async (_, act, message) => {
    const { dom } = await setup();
    await dom.destroy();
    await expectVirtError(act(dom), 'INVALID_ARG', message);
  });

  it('suspends to paused (user) and resumes to running (unpaused), with events', async () => {
    const { dom, events } = await setup();
    await dom.suspend();
    expect(await stateOf(dom)).toBe('paused (user)');
    await dom.resume();
    expect(await stateOf(dom)).toBe('running (unpaused)');
    expect(events).toEqual(['test suspended(paused)', 'test resumed(unpaused)']);
  });

  it('shuts down to shut off (shutdown), destroys to shut off (destroyed)', async () => {
    const { dom, events } = await setup();
    await dom.shutdown();
    expect(await stateOf(dom)).toBe('shut off (shutdown)');
    expect((await conn.lookupDomainByName('test')).id).toBe(-1);
    await dom.create();
    await dom.destroy();
    expect(await stateOf(dom)).toBe('shut off (destroyed)');
    expect(events).toEqual([
      'test shutdown(host)',
      'test stopped(shutdown)',
      'test started(booted)',
      'test stopped(destroyed)',
    ]);
  });

  it('reboots and resets in place: still running, with a reboot event', async () => {
    const { dom, events } = await setup();
    await dom.reboot();
    await dom.reset();
    expect((await dom.getState()).state).toBe('running');
    expect((await conn.lookupDomainByName('test')).id).toBe(1);
    expect(events).toEqual(['test reboot', 'test reboot']);
  });

  it('honours on_reboot=destroy: a reboot shuts the domain down', async () => {
    const { events } = await setup();
    const dom = await conn.defineXml(SAMPLE('rd').replace('</os>', '</os><on_reboot>destroy</on_reboot>'));
    await dom.create();
    await dom.reboot();
    expect(await stateOf(dom)).toBe('shut off (shutdown)');
    expect(events.at(-1)).toBe('rd stopped(shutdown)');
    await dom.undefine();
  });

  it('gives each start a new id, never reusing one', async () => {
    const { dom } = await setup();
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      await dom.destroy();
      await dom.create();
      ids.push((await conn.lookupDomainByName('test')).id);
    }
    expect(ids).toEqual([2, 3]);
  });

  it('keeps a transient domain until it stops, and undefines a running one into a transient one', async () => {
    const { dom: test, events } = await setup();
    const made = await conn.createXml(SAMPLE('tr'));
    expect(await made.isPersistent()).toBe(false);
    expect(await stateOf(made)).toBe('running (booted)');
    await made.shutdown();
    await expect(conn.lookupDomainByName('tr')).rejects.toThrow(
      "Domain not found: no domain with matching name 'tr'",
    );
    await test.undefine();
    expect(await test.isPersistent()).toBe(false);
    await test.undefine();
    await test.destroy();
    expect(await conn.listAllDomains()).toEqual([]);
    expect(events).toEqual([
      'tr started(booted)',
      'tr shutdown(host)',
      'tr stopped(shutdown)',
      'test undefined(removed)',
      'test undefined(removed)',
      'test stopped(destroyed)',
    ]);
  });

  it('defines with a generated MAC and testnetN target, and keeps a redefinition of a running domain for its next start', async () => {
    await setup();
    const dom = await conn.defineXml(SAMPLE('d1'));
    const xml = await dom.getXmlDesc();
    expect(xml).toMatch(/<mac address='52:54:00(:[0-9a-f]{2}){3}'\/>/);
    expect(xml).toContain("<target dev='testnet0'/>");
    await dom.create();
    const running = await conn.lookupDomainByName('d1');
    expect(await running.getXmlDesc()).toContain(`<domain type='test' id='${running.id}'>`);
    const uuid = `<uuid>${dom.uuid}</uuid>`;
    await conn.defineXml(SAMPLE('d1').replace('<memory>65536', `${uuid}<memory>131072`));
    expect(await running.getXmlDesc()).toContain('65536');
    expect(await running.getXmlDesc({ inactive: true })).toContain('131072');
    await running.destroy();
    expect(await running.getXmlDesc()).toContain('131072');
    await running.undefine();
  });

  it('refuses clashing names and UUIDs with libvirt texts', async () => {
    const { dom } = await setup();
    const uuid = `<uuid>${dom.uuid}</uuid>`;
    await expectVirtError(
      conn.defineXml(SAMPLE('other').replace('<memory>', `${uuid}<memory>`)),
      'OPERATION_FAILED',
      `operation failed: domain 'test' is already defined with uuid ${dom.uuid}`,
    );
    await expectVirtError(
      conn.createXml(SAMPLE('test').replace('<memory>', `${uuid}<memory>`)),
      'OPERATION_INVALID',
      "Requested operation is not valid: domain 'test' is already active",
    );
    await expectVirtError(
      conn.defineXml(SAMPLE('test')),
      'OPERATION_FAILED',
      `operation failed: domain 'test' already exists with uuid ${dom.uuid}`,
    );
  });

  it('answers vcpu counts of a shut-off domain from its config only', async () => {
    const { dom } = await setup();
    await dom.destroy();
    expect(await dom.getVcpusFlags({ maximum: true, config: true })).toBe(2);
    await expectVirtError(
      dom.getVcpusFlags({ live: true }),
      'OPERATION_INVALID',
      'Requested operation is not valid: domain is not running',
    );
    expect(await dom.getSecurityLabel()).toEqual({ label: '', enforcing: false });
  });

  it('keeps autostart', async () => {
    const { dom } = await setup();
    await dom.setAutostart(true);
    expect(await dom.getAutostart()).toBe(true);
    expect((await conn.listAllDomains({ autostart: true })).map((d) => d.name)).toEqual(['test']);
  });
});
