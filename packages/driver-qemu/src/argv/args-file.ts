import type { QemuCommand } from './qemu-command.js';

/** Characters that make libvirt quote an argument for the shell (virBufferEscapeShell). */
const SHELL_SPECIAL = /[\s'"`\\$!#&*;<>?[\]{}|~()^]/;

export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  if (!SHELL_SPECIAL.test(arg)) return arg;
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * The command as libvirt's tests write it: environment first, then the binary, then one option
 * per line with its value on the same line, lines joined by ` \`.
 */
export function formatArgsFile(cmd: QemuCommand): string {
  const lines = cmd.env.map(([key, value]) => `${key}=${shellQuote(value)}`);
  const [binary = '', ...args] = cmd.argv;
  lines.push(shellQuote(binary));
  for (const arg of args) {
    const quoted = shellQuote(arg);
    const last = lines.length - 1;
    const prev = lines[last] ?? '';
    // A value joins the line of the option before it; anything else starts a new line.
    const joinsOption = !arg.startsWith('-') && prev.startsWith('-') && !prev.includes(' ');
    if (joinsOption) lines[last] = `${prev} ${quoted}`;
    else lines.push(quoted);
  }
  return `${lines.join(' \\\n')}\n`;
}
