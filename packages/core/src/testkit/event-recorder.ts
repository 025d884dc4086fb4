import type { Connection } from '../driver/index.js';
import type { DomainEvent, Lifecycle, Subscription } from '../events/index.js';

export type EventMatcher = (event: DomainEvent) => boolean;

/** Matches a lifecycle event of `type`, and of `detail` when given. */
export function lifecycle(type: Lifecycle['type'], detail?: string): EventMatcher {
  return (event) =>
    event.id === 'lifecycle' && event.type === type && (detail === undefined || event.detail === detail);
}

/** `type(detail)` for lifecycle events, the id for others: what assertion messages show. */
export function describeEvent(event: DomainEvent): string {
  return event.id === 'lifecycle' ? `${event.type}(${event.detail})` : event.id;
}

/**
 * Records one domain's events from a connection and lets a test wait for them in order,
 * with a timeout, so asynchronous drivers need no sleeps. The domain is matched by name,
 * so recording can start before it exists and catch its defined or started event.
 */
export class EventRecorder {
  readonly events: DomainEvent[] = [];
  readonly #subscription: Subscription;
  readonly #timeoutMs: number;
  #cursor = 0;
  #wake: (() => void) | undefined;

  constructor(connection: Connection, domainName: string, timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#subscription = connection.subscribe({}, (event) => {
      if (event.domain.name !== domainName) return;
      this.events.push(event);
      this.#wake?.();
    });
  }

  /** The recorded events as `type(detail)` strings, for order assertions. */
  get names(): string[] {
    return this.events.map(describeEvent);
  }

  /**
   * Resolves with the first event past the cursor that `matches`, moving the cursor after
   * it; rejects naming `what` and the events seen when none comes within the timeout.
   */
  async next(matches: EventMatcher, what: string): Promise<DomainEvent> {
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      const index = this.events.findIndex((event, i) => i >= this.#cursor && matches(event));
      if (index >= 0) {
        this.#cursor = index + 1;
        return this.events[index] as DomainEvent;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out after ${this.#timeoutMs} ms waiting for ${what}; saw [${this.names.join(', ')}]`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  stop(): void {
    this.#subscription.unsubscribe();
  }
}
