export { type KillOptions, type KillOutcome, killProcess, signalProcess } from '@virtkit/core';
export { type LaunchedProcess, type LaunchOptions, launchDetached } from './launch.js';
export { isQemuWithMonitor } from './liveness.js';
export { type WaitForMonitorOptions, waitForMonitorSocket } from './monitor-socket.js';
export { readPidfile, writePidfile } from './pidfile.js';
