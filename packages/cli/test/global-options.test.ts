import { describe, expect, it } from 'vitest';
import { parseGlobalOptions } from '../src/global-options.js';

describe('parseGlobalOptions', () => {
  it('reads every spelling of the connect option and stops at the command', () => {
    for (const argv of [
      ['-c', 'test:///default', 'list', '-q'],
      ['-ctest:///default', 'list', '-q'],
      ['--connect=test:///default', 'list', '-q'],
      ['--conn', 'test:///default', 'list', '-q'],
    ]) {
      const parsed = parseGlobalOptions(argv);
      expect(parsed).toMatchObject({ kind: 'run', options: { connect: 'test:///default', quiet: false } });
      expect(parsed.kind === 'run' && parsed.options.rest).toEqual(['list', '-q']);
    }
  });

  it('clusters flags and ends options at --', () => {
    expect(parseGlobalOptions(['-qrt', '--', '-c'])).toMatchObject({
      kind: 'run',
      options: { quiet: true, readonly: true, timing: true, rest: ['-c'] },
    });
  });

  it('answers version and help requests', () => {
    expect(parseGlobalOptions(['-v', '-V'])).toEqual({ kind: 'version', long: false });
    expect(parseGlobalOptions(['--version=long'])).toEqual({ kind: 'version', long: true });
    expect(parseGlobalOptions(['-h'])).toEqual({ kind: 'help' });
  });

  it("gives virsh's messages for bad options", () => {
    const message = (argv: string[]) => {
      const parsed = parseGlobalOptions(argv);
      return parsed.kind === 'error' ? parsed.message : undefined;
    };
    expect(message(['-x'])).toBe("unsupported option '-x'. See --help.");
    expect(message(['--foo'])).toBe("unsupported option '--foo'. See --help.");
    expect(message(['-c'])).toBe("option '-c'/'--connect' requires an argument");
    expect(message(['-d', 'abc'])).toBe('option -d takes a numeric argument');
    expect(message(['-k', 'abc'])).toBe('Invalid value for option -k');
    expect(message(['-k', '-1'])).toBe('option -k requires a positive integer argument');
    expect(message(['-e', 'xx'])).toBe("Invalid string 'xx' for escape sequence");
  });

  it('warns about an out-of-range debug level and goes on', () => {
    expect(parseGlobalOptions(['-d', '9', 'uri'])).toMatchObject({
      kind: 'run',
      warnings: ['ignoring debug level 9 out of range [0-4]'],
    });
  });
});
