export { deriveQemuFlags, type FlagProbe } from './derive-flags.js';
export { parseQemuCapsXml } from './parse-caps-xml.js';
export {
  findMachine,
  hasCap,
  type QemuAccel,
  type QemuCaps,
  type QemuCpuModel,
  type QemuMachine,
} from './qemu-caps.js';
