export { missedEvents } from './missed-events.js';
export { policyInputForEvent } from './policy-input.js';
export { connectQmp, QmpClient, type QmpCloseInfo, type QmpConnectOptions } from './qmp-client.js';
export { QmpCommandError } from './qmp-errors.js';
export * from './qmp-types.js';
