import {
  type DomainDef,
  type DomainEventPayload,
  type DomainKey,
  type DomainRef,
  type EventBus,
  type NodeInfo,
  VirtError,
} from '@virtkit/core';
import type { NumaCell } from './default-node.js';
import { parseTestDomain } from './domain-xml.js';
import { type DefinitionSource, TestDomain } from './test-domain.js';

/** A network, interface or storage pool of the node: kept as data until commands manage them. */
export interface NodeObject {
  readonly name: string;
  readonly uuid?: string;
  readonly active: boolean;
  readonly autostart: boolean;
  readonly persistent: boolean;
  /** The object's XML as the node gave it. */
  readonly xml: string;
}

export interface StorageVolume {
  readonly name: string;
  readonly path: string;
}

export interface StoragePool extends NodeObject {
  readonly type: string;
  readonly volumes: readonly StorageVolume[];
}

/** How a definition enters the node (virDomainObjListAdd's LIVE and CHECK_LIVE flags). */
export interface AddMode {
  /** Started at once (createXml): the definition is the live one, the domain transient unless defined. */
  live: boolean;
}

export interface AddResult {
  readonly domain: TestDomain;
  /** An existing domain got the definition (defined(updated) rather than added). */
  readonly updated: boolean;
}

function resolve(source: DefinitionSource, uuid: string): DomainDef {
  return 'def' in source ? source.def : { ...parseTestDomain(source.xml), uuid };
}

/**
 * A test node's state: its domains and other objects, the next domain id, and the event
 * buses of every connection open on it, which all get each event, in one order.
 */
export class TestNode {
  info: NodeInfo;
  readonly cells: readonly NumaCell[];
  readonly networks: NodeObject[] = [];
  readonly interfaces: NodeObject[] = [];
  readonly pools: StoragePool[] = [];
  readonly devices: string[] = [];
  #nextId = 1;
  readonly #domains: TestDomain[] = [];
  readonly #byName = new Map<string, TestDomain>();
  readonly #byUuid = new Map<string, TestDomain>();
  readonly #buses = new Set<EventBus>();

  constructor(info: NodeInfo, cells: readonly NumaCell[]) {
    this.info = info;
    this.cells = cells;
  }

  get domains(): readonly TestDomain[] {
    return this.#domains;
  }

  /** Ids go up with every start and are never reused (testDomainStartState). */
  takeId(): number {
    return this.#nextId++;
  }

  find(key: DomainKey): TestDomain | undefined {
    if ('name' in key) return this.#byName.get(key.name);
    if ('uuid' in key) return this.#byUuid.get(key.uuid);
    return key.id < 0 ? undefined : this.#domains.find((dom) => dom.id === key.id);
  }

  /** Adds or redefines a domain with libvirt's checks for clashing names and UUIDs. */
  add(name: string, uuid: string, source: DefinitionSource, mode: AddMode): AddResult {
    const existing = this.#byUuid.get(uuid);
    if (existing) {
      this.#assign(existing, name, resolve(source, uuid), mode);
      return { domain: existing, updated: true };
    }
    const sameName = this.#byName.get(name);
    if (sameName) {
      throw new VirtError('OPERATION_FAILED', `domain '${name}' already exists with uuid ${sameName.uuid}`);
    }
    const domain = new TestDomain(name, uuid, source, !mode.live);
    this.#domains.push(domain);
    this.#byName.set(name, domain);
    this.#byUuid.set(uuid, domain);
    return { domain, updated: false };
  }

  remove(domain: TestDomain): void {
    const index = this.#domains.indexOf(domain);
    if (index >= 0) this.#domains.splice(index, 1);
    this.#byName.delete(domain.name);
    this.#byUuid.delete(domain.uuid);
  }

  attach(bus: EventBus): void {
    this.#buses.add(bus);
  }

  detach(bus: EventBus): void {
    this.#buses.delete(bus);
  }

  /** How many connections have the node open: each brings its bus. */
  get connectionCount(): number {
    return this.#buses.size;
  }

  emit(domain: DomainRef, payloads: readonly DomainEventPayload[]): void {
    for (const payload of payloads) {
      for (const bus of this.#buses) bus.emit({ ...payload, domain } as Parameters<EventBus['emit']>[0]);
    }
  }

  #assign(existing: TestDomain, name: string, def: DomainDef, mode: AddMode): void {
    if (existing.name !== name) {
      throw new VirtError(
        'OPERATION_FAILED',
        `domain '${existing.name}' is already defined with uuid ${existing.uuid}`,
      );
    }
    if (mode.live) {
      if (existing.active) throw new VirtError('OPERATION_INVALID', `domain '${name}' is already active`);
      if (!existing.persistent) {
        throw new VirtError('OPERATION_INVALID', `domain '${name}' is already being started`);
      }
      // The persistent config comes back when this live definition stops.
      existing.nextDef = existing.def;
      existing.def = def;
    } else if (existing.active) {
      existing.nextDef = def;
      existing.persistent = true;
    } else {
      existing.def = def;
      existing.persistent = true;
    }
  }
}
