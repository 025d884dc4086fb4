import type { ProcedureHandler } from '../procedure-table.js';
import { CONNECT_PROCEDURES } from './connect-procedures.js';
import { DOMAIN_EVENT_PROCEDURES } from './domain-event-procedures.js';
import { DOMAIN_LIFECYCLE_PROCEDURES } from './domain-lifecycle-procedures.js';
import { DOMAIN_LOOKUP_PROCEDURES } from './domain-lookup-procedures.js';
import { DOMAIN_QUERY_PROCEDURES } from './domain-query-procedures.js';
import { DOMAIN_STREAM_PROCEDURES } from './domain-stream-procedures.js';

/** Every remote-program procedure the daemon serves, by number. */
export const REMOTE_HANDLERS: ReadonlyMap<number, ProcedureHandler> = new Map([
  ...CONNECT_PROCEDURES,
  ...DOMAIN_LOOKUP_PROCEDURES,
  ...DOMAIN_QUERY_PROCEDURES,
  ...DOMAIN_LIFECYCLE_PROCEDURES,
  ...DOMAIN_EVENT_PROCEDURES,
  ...DOMAIN_STREAM_PROCEDURES,
]);
