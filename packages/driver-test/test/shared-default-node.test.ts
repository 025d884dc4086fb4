import { describe, expect, it } from 'vitest';
import { open, recordEvents, useConnections, useTempDir } from './helpers.js';

describe('connections to one node', () => {
  const track = useConnections();
  const files = useTempDir();

  it('share test:///default in one process, and its events reach every connection in one order', async () => {
    const first = track(await open('test:///default'));
    const second = track(await open('test:///default'));
    const [seenByFirst, seenBySecond] = [recordEvents(first), recordEvents(second)];
    await (await first.lookupDomainByName('test')).suspend();
    await (await second.lookupDomainByName('test')).destroy();
    expect((await first.lookupDomainByName('test')).id).toBe(-1);
    expect(seenByFirst).toEqual(['test suspended(paused)', 'test stopped(destroyed)']);
    expect(seenBySecond).toEqual(seenByFirst);
  });

  it('stop hearing events once closed, and the last close gives the next one a fresh default node', async () => {
    const first = await open('test:///default');
    const second = await open('test:///default');
    const seenByFirst = recordEvents(first);
    await first.close();
    await (await second.lookupDomainByName('test')).destroy();
    expect(seenByFirst).toEqual([]);
    await second.close();
    const fresh = track(await open('test:///default'));
    expect((await fresh.lookupDomainByName('test')).id).toBe(1);
  });

  it('each have a node of their own for a node file', async () => {
    const path = files.write(
      'node.xml',
      "<node><domain type='test'><name>a</name><memory>1024</memory><os><type>hvm</type></os></domain></node>",
    );
    const first = track(await open(`test://${path}`));
    const second = track(await open(`test://${path}`));
    const seenBySecond = recordEvents(second);
    await (await first.lookupDomainByName('a')).destroy();
    expect((await (await second.lookupDomainByName('a')).getState()).state).toBe('running');
    expect(seenBySecond).toEqual([]);
  });
});
