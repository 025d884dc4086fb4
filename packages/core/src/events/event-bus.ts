import type { DomainEvent } from './domain-event.js';
import type { DomainEventId } from './event-ids.js';

/** Which events a subscriber wants; an absent field matches everything. */
export interface EventFilter {
  /** Only events about the domain with this UUID. */
  domainUuid?: string;
  /** Only events of this id. */
  id?: DomainEventId;
}

export interface Subscription {
  unsubscribe(): void;
  /**
   * Resolves once the events are being delivered: a remote driver has to register them with
   * its server first. Absent when delivery starts at once.
   */
  readonly ready?: Promise<void>;
}

export type EventListener = (event: DomainEvent) => void;

interface Entry {
  filter: EventFilter;
  listener: EventListener;
}

/**
 * One ordered event stream per manager. Events are delivered synchronously in
 * emission order; an event emitted by a listener is queued and delivered after
 * the current one has reached every subscriber, so all subscribers see the
 * same order. A throwing listener does not stop delivery to the others.
 */
export class EventBus {
  readonly #entries = new Set<Entry>();
  readonly #queue: DomainEvent[] = [];
  #delivering = false;
  readonly #onListenerError: (error: unknown) => void;

  constructor(options: { onListenerError?: (error: unknown) => void } = {}) {
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  subscribe(filter: EventFilter, listener: EventListener): Subscription {
    const entry: Entry = { filter, listener };
    this.#entries.add(entry);
    return { unsubscribe: () => this.#entries.delete(entry) };
  }

  emit(event: DomainEvent): void {
    this.#queue.push(event);
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) this.#deliver(next);
    } finally {
      this.#delivering = false;
    }
  }

  get subscriberCount(): number {
    return this.#entries.size;
  }

  #deliver(event: DomainEvent): void {
    for (const entry of [...this.#entries]) {
      if (!this.#entries.has(entry) || !matches(entry.filter, event)) continue;
      try {
        entry.listener(event);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}

function matches(filter: EventFilter, event: DomainEvent): boolean {
  return (
    (filter.domainUuid === undefined || filter.domainUuid === event.domain.uuid) &&
    (filter.id === undefined || filter.id === event.id)
  );
}
