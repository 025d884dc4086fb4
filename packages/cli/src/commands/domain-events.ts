import type { DomainEvent, DomainEventId } from '@virtkit/core';
import { type CommandDef, type CommandOptions, flag } from '../command-types.js';
import { loadCore } from '../connect.js';
import type { Session } from '../session.js';

/** The part of virsh's event line after "event 'ID' for domain 'NAME'", per event id. */
async function describe(event: DomainEvent): Promise<string> {
  switch (event.id) {
    case 'lifecycle': {
      const { formatLifecycle } = await loadCore();
      return `: ${formatLifecycle(event)}`;
    }
    case 'rtc-change':
      return `: ${event.utcOffset}`;
    case 'watchdog':
      return `: ${event.action}`;
    case 'balloon-change':
      return `: ${event.actualKiB}KiB`;
    case 'device-added':
    case 'device-removed':
      return `: ${event.alias}`;
    default:
      return '';
  }
}

/** virTimeStringNowRaw: "2026-11-25 18:40:01.123+0000". */
function timestamp(now: Date): string {
  return `${now.toISOString().replace('T', ' ').slice(0, 23)}+0000`;
}

/** Parses `--timeout` like vshCommandOptTimeoutToMs: whole seconds, 1 … INT_MAX/1000. */
function timeoutMs(session: Session, options: CommandOptions): number | undefined {
  if (!options.has('timeout')) return undefined;
  const text = options.string('timeout') ?? '';
  const seconds = /^\s*\+?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(seconds >= 1 && seconds <= Math.floor(0x7fffffff / 1000))) {
    session.fail(`Numeric value '${text}' for <timeout> option is malformed or out of range`);
  }
  return seconds * 1000;
}

type Ending = 'done' | 'timeout' | 'interrupt';

/** Resolves when the wait ends: `done()` called, the timeout passed, or Ctrl-C. */
function waitForEnd(session: Session, ms: number | undefined) {
  let finish: (ending: Ending) => void = () => {};
  const ended = new Promise<Ending>((resolve) => {
    finish = resolve;
  });
  // Without a timeout, the idle interval keeps Node's event loop open while virsh would wait.
  const timer =
    ms === undefined ? setInterval(() => {}, 0x7fffffff) : setTimeout(() => finish('timeout'), ms);
  const stopListening = session.onInterrupt(() => finish('interrupt'));
  const cleanup = () => {
    clearTimeout(timer);
    stopListening();
  };
  return { ended, done: () => finish('done'), cleanup };
}

async function runEvent(session: Session, options: CommandOptions): Promise<boolean> {
  session.exclusive(options, 'all', 'event');
  session.exclusive(options, 'list', 'all');
  session.exclusive(options, 'list', 'event');
  const { DOMAIN_EVENT_IDS } = await loadCore();
  if (options.flag('list')) {
    session.output({ events: DOMAIN_EVENT_IDS }, () => DOMAIN_EVENT_IDS.map((id) => `${id}\n`).join(''));
    return true;
  }
  const name = options.has('event') ? session.requireString(options, 'event') : undefined;
  if (name === undefined && !options.flag('all'))
    session.fail('one of --list, --all, or --event <type> is required');
  if (name !== undefined && !(DOMAIN_EVENT_IDS as readonly string[]).includes(name)) {
    session.fail(`unknown event type ${name}`);
  }
  const ms = timeoutMs(session, options);
  const domain = options.has('domain') ? await session.lookupDomain(options) : undefined;
  const connection = await session.connection();
  const loop = options.flag('loop');
  const wait = waitForEnd(session, ms);
  let count = 0;
  // Events are delivered synchronously; printing stays in arrival order through this chain.
  let printing = Promise.resolve();
  const subscription = connection.subscribe(
    { ...(domain ? { domain } : {}), ...(name ? { id: name as DomainEventId } : {}) },
    (event) => {
      if (!loop && count > 0) return;
      count++;
      const at = new Date();
      printing = printing.then(async () => {
        const prefix = options.flag('timestamp') ? `${timestamp(at)}: ` : '';
        if (session.json) {
          const { domain: ref, ...rest } = event;
          session.print(
            `${JSON.stringify({ ...(prefix ? { timestamp: at.toISOString() } : {}), domain: ref.name, ...rest })}\n`,
          );
        } else {
          session.print(
            `${prefix}event '${event.id}' for domain '${event.domain.name}'${await describe(event)}\n`,
          );
        }
      });
      if (!loop) wait.done();
    },
  );
  let ending: Ending;
  try {
    // Over the wire the server registers the callbacks first (virConnectDomainEventRegisterAny returns then).
    await subscription.ready;
    ending = await wait.ended;
  } finally {
    wait.cleanup();
    subscription.unsubscribe();
  }
  await printing;
  if (!session.json) {
    if (ending !== 'done')
      session.print(ending === 'timeout' ? 'event loop timed out\n' : 'event loop interrupted\n');
    session.print(`events received: ${count}\n`);
  }
  return count > 0;
}

/** virsh's "Domain Events" group (tools/virsh-domain-event.c). */
export const DOMAIN_EVENT_COMMANDS: readonly CommandDef[] = [
  {
    name: 'event',
    help: 'Domain Events',
    desc: 'List event types, or wait for domain events to occur',
    options: [
      { name: 'domain', type: 'string', help: 'filter by domain name, id or uuid' },
      { name: 'event', type: 'string', help: 'which event type to wait for' },
      flag('all', 'wait for all events instead of just one type'),
      flag('loop', 'loop until timeout or interrupt, rather than one-shot'),
      { name: 'timeout', type: 'int', help: 'timeout seconds' },
      flag('list', 'list valid event types'),
      flag('timestamp', 'show timestamp for each printed event'),
    ],
    json: true,
    run: runEvent,
  },
];
