export { openConsoleSession } from './console-client.js';
export {
  type ContainerRun,
  discardRun,
  EXIT_FILE,
  type ExitMessage,
  type LaunchRequest,
  launchContainer,
  type ReattachRequest,
  type RunHandlers,
  type RunRemains,
  readExitFile,
  reattachContainer,
  waitForExit,
} from './container-run.js';
export { MonitorClient, type MonitorHandlers } from './monitor-client.js';
export { type HandedController, SpareControllers } from './spare-controllers.js';
