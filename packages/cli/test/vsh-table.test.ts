import { describe, expect, it } from 'vitest';
import { formatTable } from '../src/vsh-table.js';

describe('formatTable', () => {
  it("lays out virsh's table: padded columns, unpadded last one, dashed rule", () => {
    expect(formatTable(['Id', 'Name', 'State'], [['1', 'test', 'running']], false)).toBe(
      ' Id   Name   State\n----------------------\n 1    test   running\n',
    );
  });

  it('prints only the header and rule for no rows', () => {
    expect(formatTable(['Id', 'Name', 'State'], [], false)).toBe(
      ' Id   Name   State\n--------------------\n',
    );
  });

  it('drops the header in quiet mode and sizes columns by the rows alone', () => {
    expect(formatTable(['Id', 'Name', 'State'], [['1', 'test', 'paused']], true)).toBe(
      ' 1   test   paused\n',
    );
  });
});
