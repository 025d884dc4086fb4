export {
  addressingCommands,
  type GuestAddress,
  type GuestRoute,
  type GuestSide,
  guestSideOf,
  naturalPrefix,
} from './guest-addressing.js';
export { checkLinkName, freeVethName } from './veth-name.js';
export { needsOwnNetwork, planVeths, type VethPlan } from './veth-plan.js';
export { createVeths, deleteVeths, moveVethsInto } from './veths.js';
