export {
  DRIVER_PACKAGES,
  driverKeyFor,
  packageFor,
  REMOTE,
  REMOTE_PACKAGE,
  STATEFUL_SCHEMES,
} from './driver-packages.js';
export { type ImportModule, importFromApplication, loadDriverPackage } from './load-driver.js';
export { type OpenConnectionOptions, openConnection } from './open-connection.js';
