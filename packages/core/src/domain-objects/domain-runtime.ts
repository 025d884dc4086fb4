import type { DomainEventPayload, DomainRef, EventBus } from '../events/index.js';
import { NO_POLICY_FLAGS, type PolicyState } from '../lifecycle/index.js';
import type { DomainStatus } from '../store/index.js';
import { type DomainDef, formatDomainXml } from '../xml/index.js';

/** The state of a domain that has never run under this manager. */
export const SHUT_OFF_STATE: PolicyState = {
  state: 'shutoff',
  reason: 'unknown',
  flags: NO_POLICY_FLAGS,
  job: 'none',
};

/** The policy state a status file saved, without the job (a reattach recovers that itself). */
export function savedPolicyState(status: DomainStatus): PolicyState {
  return { ...status.state, flags: { ...status.flags }, job: 'none' };
}

export interface DomainRuntimeOptions {
  events: EventBus;
  /** The domain's ref as it is when an event goes out. */
  ref(): DomainRef;
  saveStatus(name: string, status: DomainStatus): Promise<void>;
}

/**
 * What every stateful driver's domain object does the same around core's decide(): host requests,
 * the hypervisor's reports and exclusive reads run one at a time in arrival order; the status file
 * is written only when it changed; events go out with the domain's ref. The driver's domain object
 * holds one and carries out the decisions itself.
 */
export class DomainRuntime {
  readonly #options: DomainRuntimeOptions;
  #queue: Promise<unknown> = Promise.resolve();
  /** What saveStatus last wrote, for which run. */
  #saved: { run: object; text: string } | undefined;
  #formatted: { def: DomainDef; xml: string } | undefined;

  constructor(options: DomainRuntimeOptions) {
    this.#options = options;
  }

  /** Runs `work` after everything queued before it; a failure rejects this call only. */
  enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => {});
    return result;
  }

  /** Queues a hypervisor's report: it has no caller, so a failure is dropped and the next goes on. */
  report(work: () => Promise<void>): void {
    void this.enqueue(work).catch(() => {});
  }

  /** The live definition formatted, once per definition object: it does not change during a run. */
  liveXml(def: DomainDef): string {
    if (this.#formatted?.def !== def) this.#formatted = { def, xml: formatDomainXml(def) };
    return this.#formatted.xml;
  }

  /**
   * Saves `run`'s status when it differs from what was saved last: a reboot alone passes through
   * several reports, most of which change nothing worth an fsync.
   */
  async saveStatus(run: object, name: string, status: DomainStatus): Promise<void> {
    const text = JSON.stringify(status);
    if (this.#saved?.run === run && this.#saved.text === text) return;
    await this.#options.saveStatus(name, status);
    this.#saved = { run, text };
  }

  emit(payloads: readonly DomainEventPayload[]): void {
    const { events, ref } = this.#options;
    for (const payload of payloads) events.emit({ ...payload, domain: ref() });
  }
}
