/** Log levels, most severe first (libvirt's error, warning, info, debug). */
export const LOG_LEVELS = ['error', 'warning', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where the server reports what it does; the daemon decides where that goes. */
export interface Logger {
  log(level: LogLevel, message: string): void;
}

export const SILENT_LOGGER: Logger = { log: () => {} };
