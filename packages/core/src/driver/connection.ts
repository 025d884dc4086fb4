import { VirtError } from '../errors/index.js';
import type { DomainRef, EventBus, EventListener, Subscription } from '../events/index.js';
import { type DomainState, isActiveState } from '../state/index.js';
import type { VirtUri } from '../uri/index.js';
import { parseUuid } from '../xml/uuid.js';
import { Domain } from './domain.js';
import { noDomainError } from './domain-errors.js';
import type {
  CreateOptions,
  DefineOptions,
  DomainCapabilitiesOptions,
  DomainListing,
  DriverConnection,
  NodeInfo,
  SecurityModel,
  SubscribeFilter,
} from './driver.js';
import { apiName, type DriverOperation, OPERATIONS } from './operations.js';

/** virConnectListAllDomains' filters; each absent field matches all. */
export interface ListFilter {
  active?: boolean;
  persistent?: boolean;
  autostart?: boolean;
  managedSave?: boolean;
  /** `other` is any state but running, paused and shut off (libvirt's LIST_DOMAINS_OTHER). */
  states?: readonly ('running' | 'paused' | 'shutoff' | 'other')[];
}

type Method<K extends DriverOperation> = NonNullable<DriverConnection[K]>;

/**
 * A connection as applications use it: wraps a driver's DriverConnection, checks
 * read-only access and arguments, answers NO_SUPPORT for what the driver lacks, and
 * owns the event subscriptions made through it.
 */
export class Connection {
  readonly uri: VirtUri;
  readonly readonly: boolean;
  readonly #driver: DriverConnection;
  readonly #events: EventBus;
  readonly #subscriptions = new Set<Subscription>();
  #closed = false;

  constructor(driver: DriverConnection, options: { uri: VirtUri; readonly: boolean; events: EventBus }) {
    this.#driver = driver;
    this.uri = options.uri;
    this.readonly = options.readonly;
    this.#events = options.events;
  }

  /** Whether the driver implements `operation`. */
  supports(operation: DriverOperation): boolean {
    return typeof this.#driver[operation] === 'function';
  }

  /**
   * Calls a driver operation with core's checks, in libvirt's order: connection open,
   * read-only access, then NO_SUPPORT when the driver lacks it.
   */
  async invoke<K extends DriverOperation>(
    operation: K,
    ...args: Parameters<Method<K>>
  ): Promise<Awaited<ReturnType<Method<K>>>> {
    const { write } = OPERATIONS[operation];
    const api = apiName(operation, args);
    this.assertOpen(api);
    if (write && this.readonly) throw new VirtError('OPERATION_DENIED', `read only access prevents ${api}`);
    const method = this.#driver[operation] as ((...values: unknown[]) => Promise<never>) | undefined;
    if (!method) throw new VirtError('NO_SUPPORT', api);
    return method.apply(this.#driver, args);
  }

  /** Fails with INVALID_CONN, as libvirt does for a closed connection. */
  assertOpen(api: string): void {
    if (this.#closed) throw new VirtError('INVALID_CONN', api);
  }

  getUri(): string {
    this.assertOpen('virConnectGetURI');
    return this.#driver.getUri();
  }

  /** Closes the driver connection and drops every subscription made through this connection. */
  async close(): Promise<void> {
    this.assertOpen('virConnectClose');
    this.#closed = true;
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#subscriptions.clear();
    await this.#driver.close();
  }

  async listAllDomains(filter: ListFilter = {}): Promise<Domain[]> {
    this.assertOpen('virConnectListAllDomains');
    const listings = await this.#driver.listDomains();
    return listings
      .filter((listing) => matchesFilter(listing, filter))
      .map((l) => new Domain(this, l.domain));
  }

  /** The driver's listing of one domain, used where a driver lacks a query method. */
  async listingOf(domain: DomainRef): Promise<DomainListing | undefined> {
    return (await this.#driver.listDomains()).find((listing) => listing.domain.uuid === domain.uuid);
  }

  lookupDomainByName(name: string): Promise<Domain> {
    return this.#lookup('virDomainLookupByName', { name });
  }

  async lookupDomainByUuid(uuid: string): Promise<Domain> {
    let normalized: string;
    try {
      normalized = parseUuid(uuid);
    } catch {
      throw new VirtError('INVALID_ARG', 'uuidstr in virDomainLookupByUUIDString must be a valid UUID');
    }
    return this.#lookup('virDomainLookupByUUIDString', { uuid: normalized });
  }

  async lookupDomainById(id: number): Promise<Domain> {
    if (!Number.isInteger(id) || id < 0) {
      throw new VirtError('INVALID_ARG', 'id in virDomainLookupByID must be zero or greater');
    }
    return this.#lookup('virDomainLookupByID', { id });
  }

  async #lookup(api: string, key: { name: string } | { uuid: string } | { id: number }): Promise<Domain> {
    this.assertOpen(api);
    const ref = await this.#driver.lookupDomain(key);
    if (!ref) throw noDomainError(key);
    return new Domain(this, ref);
  }

  async defineXml(xml: string, options: DefineOptions = {}): Promise<Domain> {
    return new Domain(this, await this.invoke('defineXml', xml, options));
  }

  /** Starts a transient domain from XML. */
  async createXml(xml: string, options: CreateOptions = {}): Promise<Domain> {
    return new Domain(this, await this.invoke('createXml', xml, options));
  }

  getHostname(): Promise<string> {
    return this.invoke('getHostname');
  }

  getType(): Promise<string> {
    return this.invoke('getType');
  }

  getSecurityModel(): Promise<SecurityModel> {
    return this.invoke('getSecurityModel');
  }

  getVersion(): Promise<number> {
    return this.invoke('getVersion');
  }

  getLibVersion(): Promise<number> {
    return this.invoke('getLibVersion');
  }

  getNodeInfo(): Promise<NodeInfo> {
    return this.invoke('getNodeInfo');
  }

  getCapabilities(): Promise<string> {
    return this.invoke('getCapabilities');
  }

  getMaxVcpus(type?: string): Promise<number> {
    return this.invoke('getMaxVcpus', type);
  }

  getDomainCapabilities(options: DomainCapabilitiesOptions = {}): Promise<string> {
    return this.invoke('getDomainCapabilities', options);
  }

  domainXmlToNative(format: string, xml: string): Promise<string> {
    return this.invoke('domainXmlToNative', format, xml);
  }

  domainXmlFromNative(format: string, config: string): Promise<string> {
    return this.invoke('domainXmlFromNative', format, config);
  }

  /** Only a driver with a transport has keepalive; the others answer NO_SUPPORT, as in libvirt. */
  setKeepAlive(intervalSeconds: number, count: number): Promise<void> {
    return this.invoke('setKeepAlive', intervalSeconds, count);
  }

  /** Listens to the driver's events; the subscription ends with `unsubscribe()` or `close()`. */
  subscribe(filter: SubscribeFilter, listener: EventListener): Subscription {
    this.assertOpen('virConnectDomainEventRegisterAny');
    const watch = this.#driver.watchEvents?.(filter, listener);
    // A driver that watches events delivers them itself; the others emit on the bus.
    const inner = watch
      ? undefined
      : this.#events.subscribe(
          {
            ...(filter.domain ? { domainUuid: filter.domain.uuid } : {}),
            ...(filter.id ? { id: filter.id } : {}),
          },
          listener,
        );
    const subscription: Subscription = {
      unsubscribe: () => {
        inner?.unsubscribe();
        watch?.stop();
        this.#subscriptions.delete(subscription);
      },
      ...(watch ? { ready: watch.ready } : {}),
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }
}

const LISTED_STATES: readonly DomainState[] = ['running', 'paused', 'shutoff'];

function matchesFilter(listing: DomainListing, filter: ListFilter): boolean {
  const { state } = listing.state;
  const stateGroup = (LISTED_STATES as readonly string[]).includes(state) ? state : 'other';
  return (
    (filter.active === undefined || filter.active === isActiveState(state)) &&
    (filter.persistent === undefined || filter.persistent === listing.persistent) &&
    (filter.autostart === undefined || filter.autostart === (listing.autostart ?? false)) &&
    (filter.managedSave === undefined || filter.managedSave === (listing.managedSave ?? false)) &&
    (filter.states === undefined || (filter.states as readonly string[]).includes(stateGroup))
  );
}
