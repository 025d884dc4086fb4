export { killLeftoverQemus } from './leftover-qemus.js';
export {
  bootCount,
  makePowerbuttonGuest,
  POWERBUTTON_IMAGE,
  type PowerbuttonGuest,
  type PowerbuttonOptions,
  powerbuttonXml,
} from './powerbutton-guest.js';
