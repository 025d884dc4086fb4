import { appendFileSync } from 'node:fs';
import { LOG_LEVELS, type Logger, type LogLevel } from '@virtkit/remote';

/** A log line as libvirtd writes it: `2026-11-25 21:17:27.049+0000: 17518: info : message`. */
function formatLogLine(level: LogLevel, message: string, now = new Date()): string {
  const stamp = now.toISOString().replace('T', ' ').replace('Z', '+0000');
  return `${stamp}: ${process.pid}: ${level} : ${message}\n`;
}

/**
 * Logs messages at `threshold` or more severe to `file` (appended synchronously, so the last
 * lines before an exit are never lost) or, without a file, to stderr.
 */
export function createLogger(threshold: LogLevel, file: string | undefined): Logger {
  const limit = LOG_LEVELS.indexOf(threshold);
  // A log file that cannot be written fails the start, not a client's call later.
  if (file !== undefined) appendFileSync(file, '');
  return {
    log(level, message) {
      if (LOG_LEVELS.indexOf(level) > limit) return;
      const line = formatLogLine(level, message);
      if (file === undefined) process.stderr.write(line);
      else appendFileSync(file, line);
    },
  };
}
