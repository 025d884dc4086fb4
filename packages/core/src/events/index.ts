export * from './domain-event.js';
export * from './event-bus.js';
export * from './event-ids.js';
export * from './lifecycle-events.js';
