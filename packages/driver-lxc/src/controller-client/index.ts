export { openConsoleSession } from './console-client.js';
export {
  type ContainerRun,
  discardRun,
  type LaunchRequest,
  launchContainer,
  type ReattachRequest,
  type RunHandlers,
  type RunRemains,
  readExitFile,
  reattachContainer,
} from './container-run.js';
export { MonitorClient, type MonitorHandlers } from './monitor-client.js';
export { type HandedController, SpareControllers } from './spare-controllers.js';
