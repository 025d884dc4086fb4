import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type DomainDef,
  type DomainEvent,
  DomainList,
  DomainRuntime,
  type DomainStatus,
  DomainStore,
  EventBus,
  type ListedDomain,
  parseDomainXml,
  SHUT_OFF_STATE,
  type StateWithReason,
} from '../src/index.js';
import { expectVirtError } from '../src/testkit/index.js';

const UUID1 = '4dea22b3-1d52-d8f3-2516-782e98ab3fa0';
const UUID2 = '4dea22b3-1d52-d8f3-2516-782e98ab3fa1';
const def = (name: string, uuid: string): DomainDef =>
  parseDomainXml(
    `<domain type='kvm'><name>${name}</name><uuid>${uuid}</uuid><memory>1024</memory><os><type>hvm</type></os></domain>`,
    {
      inactive: true,
    },
  );

/** A domain object as small as the list needs: `active` is set by the test. */
class FakeDomain implements ListedDomain {
  active = false;
  constructor(
    public config: DomainDef,
    public persistent: boolean,
  ) {}
  get ref() {
    return { name: this.config.name, uuid: this.config.uuid, id: this.id };
  }
  get id() {
    return this.active ? 7 : -1;
  }
  get state(): StateWithReason {
    return this.active ? { state: 'running', reason: 'booted' } : { state: 'shutoff', reason: 'unknown' };
  }
  get def() {
    return this.config;
  }
}

let root: string;
let store: DomainStore;
let events: DomainEvent[];
let list: DomainList<FakeDomain>;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'virtkit-domain-list-'));
  store = await DomainStore.open(root);
  events = [];
  const bus = new EventBus();
  bus.subscribe({}, (event) => events.push(event));
  list = new DomainList({
    errorDomain: 'QEMU',
    configStore: store,
    events: bus,
    create: (config, persistent) => new FakeDomain(config, persistent),
  });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('DomainList', () => {
  it('defines, redefines and undefines with their events and config files', async () => {
    const domain = await list.define(def('vm1', UUID1));
    await list.define(def('vm1', UUID1));
    expect(events.map((event) => event.id === 'lifecycle' && `${event.type}/${event.detail}`)).toEqual([
      'defined/added',
      'defined/updated',
    ]);
    expect(list.find({ name: 'vm1' })).toBe(domain);
    expect(await store.loadConfig('vm1')).toContain('<name>vm1</name>');
    await list.undefine(domain.ref);
    expect(list.find({ uuid: UUID1 })).toBeUndefined();
    expect(await store.loadConfig('vm1')).toBeUndefined();
  });

  it("refuses a clashing name or uuid with libvirt's texts in the driver's error domain", async () => {
    await list.define(def('vm1', UUID1));
    const clash = list.define(def('vm2', UUID1));
    await expectVirtError(
      clash,
      'OPERATION_FAILED',
      `operation failed: domain 'vm1' is already defined with uuid ${UUID1}`,
    );
    await clash.catch((error) => expect(error.domain).toBe('QEMU'));
    await expectVirtError(
      list.define(def('vm1', UUID2)),
      'OPERATION_FAILED',
      `operation failed: domain 'vm1' already exists with uuid ${UUID1}`,
    );
  });

  it('keeps an undefined running domain, transient, until it stops', async () => {
    const domain = await list.define(def('vm1', UUID1));
    domain.active = true;
    await list.undefine(domain.ref);
    expect(list.find({ id: 7 })).toBe(domain);
    expect(domain.persistent).toBe(false);
    domain.active = false;
    list.stopped(domain);
    expect(list.find({ name: 'vm1' })).toBeUndefined();
  });

  it('forgets a transient domain whose start failed, and refuses an active one', async () => {
    const failed = list.createTransient(def('vm1', UUID1), async () => {
      throw new Error('no start');
    });
    await expect(failed).rejects.toThrow('no start');
    expect(list.find({ name: 'vm1' })).toBeUndefined();
    const domain = await list.createTransient(def('vm1', UUID1), async (created) => {
      created.active = true;
    });
    expect((await list.listings()).map((listing) => listing.persistent)).toEqual([false]);
    await expectVirtError(
      list.createTransient(def('vm1', UUID1), async () => {}),
      'OPERATION_INVALID',
      "Requested operation is not valid: domain 'vm1' is already active",
    );
    await expectVirtError(
      list.setAutostart(domain.ref, true),
      'OPERATION_INVALID',
      'Requested operation is not valid: cannot set autostart for transient domain',
    );
  });

  it('loads definitions and lists them with autostart', async () => {
    await store.saveConfig(
      'vm1',
      `<domain type='kvm'><name>vm1</name><uuid>${UUID1}</uuid><memory>1024</memory><os><type>hvm</type></os></domain>`,
    );
    await store.setAutostart('vm1', true);
    await list.load((xml) => parseDomainXml(xml, { inactive: true }));
    expect((await list.listings()).map(({ domain, autostart }) => [domain.name, autostart])).toEqual([
      ['vm1', true],
    ]);
  });
});

describe('DomainRuntime', () => {
  it('runs work one at a time and saves a status only when it changed', async () => {
    const saved: string[] = [];
    const runtime = new DomainRuntime({
      events: new EventBus(),
      ref: () => ({ name: 'vm1', uuid: UUID1, id: 1 }),
      saveStatus: async (name) => {
        saved.push(name);
      },
    });
    const order: number[] = [];
    const slow = runtime.enqueue(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push(1);
    });
    runtime.report(async () => {
      throw new Error('dropped');
    });
    await runtime.enqueue(async () => order.push(2));
    await slow;
    expect(order).toEqual([1, 2]);
    const run = {};
    const status: DomainStatus = {
      pid: 1,
      state: { state: 'running', reason: 'booted' },
      flags: { ...SHUT_OFF_STATE.flags },
      liveXml: runtime.liveXml(def('vm1', UUID1)),
    };
    await runtime.saveStatus(run, 'vm1', status);
    await runtime.saveStatus(run, 'vm1', { ...status });
    await runtime.saveStatus({}, 'vm1', status);
    expect(saved).toHaveLength(2);
  });
});
