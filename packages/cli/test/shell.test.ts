import { describe, expect, it } from 'vitest';
import { COMMAND_GROUPS } from '../src/index.js';
import { Session } from '../src/session.js';
import { completeLine, historyPath } from '../src/shell.js';
import { runCli } from './run-cli.js';

const BANNER =
  "Welcome to virtkit, the virtualization interactive terminal.\n\nType:  'help' for help with commands\n       'quit' to quit\n\n";

describe('interactive shell', () => {
  it('prompts, echoes each line, runs it, and ends at end of input', async () => {
    const result = await runCli(['-c', 'test:///default'], {
      lines: ['domstate test', 'suspend test', 'foo', 'domstate test'],
    });
    expect(result).toEqual({
      code: 0,
      stdout: `${BANNER}virtkit # domstate test\nrunning\n\nvirtkit # suspend test\nDomain 'test' suspended\n\nvirtkit # foo\nvirtkit # domstate test\npaused\n\nvirtkit # \n`,
      stderr: "error: unknown command: 'foo'\n",
    });
  });

  it('leaves at quit and skips the banner when quiet', async () => {
    const result = await runCli(['-q'], { lines: ['uri; quit', 'uri'] });
    expect(result).toEqual({ code: 0, stdout: 'virtkit # uri; quit\ntest:///default\n\n', stderr: '' });
  });

  it('completes command names, then the command’s options', () => {
    const session = new Session(
      { stdout: { write: () => 0 }, stderr: { write: () => 0 }, env: {} },
      {
        uri: undefined,
        readonly: false,
        quiet: false,
        timing: false,
        keepalive: undefined,
      },
      COMMAND_GROUPS,
    );
    expect(completeLine(session, 'dom')).toEqual([
      [
        'domblklist',
        'domcapabilities',
        'domid',
        'domiflist',
        'dominfo',
        'domname',
        'domstate',
        'domuuid',
        'domxml-from-native',
        'domxml-to-native',
      ],
      'dom',
    ]);
    expect(completeLine(session, 'domstate test --r')).toEqual([['--reason'], '--r']);
  });

  it('keeps history in the XDG cache directory, like virsh', () => {
    expect(historyPath({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe('/c/virtkit/history');
    expect(historyPath({ HOME: '/h' })).toBe('/h/.cache/virtkit/history');
  });
});
