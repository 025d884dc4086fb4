import { hostname } from 'node:os';
import {
  type CreateOptions,
  type DefineOptions,
  type DestroyOptions,
  type DomainInfo,
  type DomainKey,
  type DomainListing,
  type DomainRef,
  type DriverConnection,
  domainGoneError,
  type EventBus,
  type NodeInfo,
  type SecurityLabel,
  type SecurityModel,
  type ShutdownOptions,
  type StartOptions,
  type UndefineOptions,
  type VcpuCountOptions,
  VirtError,
  type XmlDescOptions,
} from '@virtkit/core';
import { capabilitiesXml } from './capabilities.js';
import { formatTestDomain, parseTestDomain } from './domain-xml.js';
import {
  ACTIVE_SECURITY_LABEL,
  GUEST_OS_TYPE,
  HYPERVISOR_TYPE,
  HYPERVISOR_VERSION,
  LIBRARY_VERSION,
  MAX_VCPUS,
  SECURITY_MODEL,
} from './host-facts.js';
import { driveDomain } from './simulated-guest.js';
import type { TestDomain } from './test-domain.js';
import type { TestNode } from './test-node.js';
import { checkFlags, refuseAsTestDriver, setOptions } from './test-refusals.js';

/** One connection to a test node; connections to `test:///default` share theirs. */
export class TestConnection implements DriverConnection {
  readonly #node: TestNode;
  readonly #uri: string;
  readonly #events: EventBus;
  readonly #onClose: () => void;

  constructor(node: TestNode, uri: string, events: EventBus, onClose: () => void = () => {}) {
    this.#node = node;
    this.#uri = uri;
    this.#events = events;
    this.#onClose = onClose;
    node.attach(events);
  }

  async close(): Promise<void> {
    this.#node.detach(this.#events);
    this.#onClose();
  }

  getUri(): string {
    return this.#uri;
  }

  async listDomains(): Promise<readonly DomainListing[]> {
    return this.#node.domains.map((dom) => dom.listing());
  }

  async lookupDomain(key: DomainKey): Promise<DomainRef | undefined> {
    return this.#node.find(key)?.ref;
  }

  async defineXml(xml: string, _options: DefineOptions): Promise<DomainRef> {
    const def = parseTestDomain(xml);
    const { domain, updated } = this.#node.add(def.name, def.uuid, { def }, { live: false });
    domain.persistent = true;
    this.#node.emit(domain.ref, [
      { id: 'lifecycle', type: 'defined', detail: updated ? 'updated' : 'added' },
    ]);
    return domain.ref;
  }

  async undefine(ref: DomainRef, options: UndefineOptions): Promise<void> {
    checkFlags('testDomainUndefineFlags', 'undefine', setOptions(options), [
      'managedSave',
      'snapshotsMetadata',
    ]);
    const domain = this.#domain(ref);
    if (domain.managedSave && !options.managedSave) {
      throw new VirtError(
        'OPERATION_INVALID',
        'Refusing to undefine while domain managed save image exists',
        {
          domain: 'TEST',
        },
      );
    }
    const event = { id: 'lifecycle', type: 'undefined', detail: 'removed' } as const;
    domain.managedSave = false;
    // A running domain stays, transient, until it stops.
    if (domain.active) domain.persistent = false;
    else this.#node.remove(domain);
    this.#node.emit(domain.ref, [event]);
  }

  async createXml(xml: string, options: CreateOptions): Promise<DomainRef> {
    checkFlags('testDomainCreateXML', 'start', setOptions(options), ['validate']);
    const def = parseTestDomain(xml);
    const { domain, updated } = this.#node.add(def.name, def.uuid, { def }, { live: true });
    try {
      driveDomain(this.#node, domain, { type: 'host-start' });
    } catch (error) {
      if (!updated) this.#node.remove(domain);
      throw error;
    }
    return domain.ref;
  }

  async start(ref: DomainRef, options: StartOptions): Promise<DomainRef> {
    checkFlags('testDomainCreateWithFlags', 'start', setOptions(options));
    const domain = this.#domain(ref);
    refuseAsTestDriver('start', domain);
    driveDomain(this.#node, domain, { type: 'host-start' });
    return domain.ref;
  }

  async shutdown(ref: DomainRef, options: ShutdownOptions): Promise<void> {
    checkFlags('testDomainShutdownFlags', 'shutdownModes', options.modes ?? []);
    const domain = this.#domain(ref);
    refuseAsTestDriver('shutdown', domain);
    driveDomain(this.#node, domain, { type: 'host-shutdown' });
  }

  async reboot(ref: DomainRef, _options: ShutdownOptions): Promise<void> {
    // Every reboot method is accepted, and libvirt's test driver carries each out the same
    // way, ending running (booted): as a power-off the simulated hypervisor turns into a reset.
    driveDomain(this.#node, this.#domain(ref), { type: 'host-reboot', mode: 'acpi' });
  }

  async reset(ref: DomainRef): Promise<void> {
    const domain = this.#domain(ref);
    this.#requireActive(domain);
    // The simulated hardware resets; the guest reports it as any hypervisor would.
    driveDomain(this.#node, domain, { type: 'guest-reset', guestInitiated: false });
  }

  async destroy(ref: DomainRef, _options: DestroyOptions): Promise<void> {
    driveDomain(this.#node, this.#domain(ref), { type: 'host-destroy' });
  }

  async suspend(ref: DomainRef): Promise<void> {
    const domain = this.#domain(ref);
    refuseAsTestDriver('suspend', domain);
    driveDomain(this.#node, domain, { type: 'host-suspend' });
  }

  async resume(ref: DomainRef): Promise<void> {
    const domain = this.#domain(ref);
    refuseAsTestDriver('resume', domain);
    driveDomain(this.#node, domain, { type: 'host-resume' });
  }

  async getState(ref: DomainRef) {
    return this.#domain(ref).state;
  }

  async getInfo(ref: DomainRef): Promise<DomainInfo> {
    const domain = this.#domain(ref);
    const { memory, vcpu } = domain.def;
    return {
      state: domain.state.state,
      maxMemKiB: memory.memoryKiB,
      memoryKiB: memory.currentMemoryKiB,
      nrVirtCpu: vcpu.current ?? vcpu.count,
      // libvirt's test driver reports the time of day as CPU time.
      cpuTimeNs: BigInt(Date.now()) * 1_000_000n,
    };
  }

  async getXmlDesc(ref: DomainRef, options: XmlDescOptions): Promise<string> {
    const domain = this.#domain(ref);
    const def = options.inactive && domain.nextDef ? domain.nextDef : domain.def;
    return formatTestDomain(def, domain.id, options);
  }

  async getAutostart(ref: DomainRef): Promise<boolean> {
    return this.#domain(ref).autostart;
  }

  async setAutostart(ref: DomainRef, autostart: boolean): Promise<void> {
    this.#domain(ref).autostart = autostart;
  }

  async isPersistent(ref: DomainRef): Promise<boolean> {
    return this.#domain(ref).persistent;
  }

  async hasManagedSave(ref: DomainRef): Promise<boolean> {
    return this.#domain(ref).managedSave;
  }

  async getDomainHostname(ref: DomainRef): Promise<string> {
    const domain = this.#domain(ref);
    this.#requireActive(domain);
    return `${domain.name}host`;
  }

  async getOsType(ref: DomainRef): Promise<string> {
    this.#domain(ref);
    return GUEST_OS_TYPE;
  }

  async getVcpusFlags(ref: DomainRef, options: VcpuCountOptions): Promise<number> {
    const domain = this.#domain(ref);
    if (options.live) this.#requireActive(domain);
    if (options.config && !domain.persistent) {
      throw new VirtError('OPERATION_INVALID', 'transient domains do not have any persistent config', {
        domain: 'DOMAIN',
      });
    }
    const def = options.config && domain.nextDef ? domain.nextDef : domain.def;
    return options.maximum ? def.vcpu.count : (def.vcpu.current ?? def.vcpu.count);
  }

  async getSecurityLabel(ref: DomainRef): Promise<SecurityLabel> {
    return this.#domain(ref).active ? ACTIVE_SECURITY_LABEL : { label: '', enforcing: false };
  }

  async getHostname(): Promise<string> {
    return hostname();
  }

  async getType(): Promise<string> {
    return HYPERVISOR_TYPE;
  }

  async getSecurityModel(): Promise<SecurityModel> {
    return SECURITY_MODEL;
  }

  async getVersion(): Promise<number> {
    return HYPERVISOR_VERSION;
  }

  async getLibVersion(): Promise<number> {
    return LIBRARY_VERSION;
  }

  async getNodeInfo(): Promise<NodeInfo> {
    return this.#node.info;
  }

  async getCapabilities(): Promise<string> {
    return capabilitiesXml(this.#node.cells);
  }

  async getMaxVcpus(): Promise<number> {
    return MAX_VCPUS;
  }

  #domain(ref: DomainRef): TestDomain {
    const domain = this.#node.find({ uuid: ref.uuid });
    if (!domain) throw domainGoneError(ref);
    return domain;
  }

  /** virDomainObjCheckActive. */
  #requireActive(domain: TestDomain): void {
    if (!domain.active) {
      throw new VirtError('OPERATION_INVALID', 'domain is not running', { domain: 'DOMAIN' });
    }
  }
}
