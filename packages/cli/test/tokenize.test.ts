import { describe, expect, it } from 'vitest';
import { tokenizeCommandString } from '../src/tokenize.js';

describe('tokenizeCommandString', () => {
  it('splits words on blanks and commands on ;', () => {
    expect(tokenizeCommandString(' suspend test;domstate\t--reason test ;; ')).toEqual({
      commands: [
        ['suspend', 'test'],
        ['domstate', '--reason', 'test'],
      ],
    });
  });

  it('honours quotes and escapes like a shell', () => {
    expect(tokenizeCommandString(`a 'b c;' "d \\" e" f\\ g 'te'st`).commands).toEqual([
      ['a', 'b c;', 'd " e', 'f g', 'test'],
    ]);
  });

  it('lets an unterminated single quote run to the end', () => {
    expect(tokenizeCommandString("domstate 'test")).toEqual({ commands: [['domstate', 'test']] });
  });

  it('reports a dangling backslash or missing double quote after the words before it', () => {
    expect(tokenizeCommandString('list; foo \\')).toEqual({
      commands: [['list'], ['foo']],
      error: 'dangling \\',
    });
    expect(tokenizeCommandString('domstate "test')).toEqual({ commands: [['domstate']], error: 'missing "' });
  });
});
