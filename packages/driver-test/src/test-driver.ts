import { type Driver, formatUri, type OpenContext, VirtError, type VirtUri } from '@virtkit/core';
import { DEFAULT_NODE_XML, DEFAULT_NUMA_CELLS } from './default-node.js';
import { loadNode, loadNodeFile } from './node-loader.js';
import { TestConnection } from './test-connection.js';
import type { TestNode } from './test-node.js';

/** The shared `test:///default` node, while any connection has it open (as libvirt's defaultPrivconn). */
let defaultNode: TestNode | undefined;

function openDefault(uri: string, ctx: OpenContext): TestConnection {
  defaultNode ??= loadNode(DEFAULT_NODE_XML, '(test driver)', undefined, DEFAULT_NUMA_CELLS);
  const node = defaultNode;
  return new TestConnection(node, uri, ctx.events, () => {
    // The last connection gone, the next one starts from a fresh default node.
    if (node === defaultNode && node.connectionCount === 0) defaultNode = undefined;
  });
}

/** libvirt's test driver: `test:///default`, or a node of one's own from `test:///ABSOLUTE/PATH.xml`. */
export const driver: Driver = {
  name: 'test',
  schemes: ['test'],
  async open(uri: VirtUri, ctx: OpenContext) {
    if (uri.path === '' || uri.path === '/') {
      throw new VirtError('INVALID_ARG', 'testOpen: supply a path or use test:///default', {
        domain: 'TEST',
      });
    }
    const text = formatUri(uri);
    if (uri.path === '/default') return openDefault(text, ctx);
    // Each connection to a node file has a node of its own.
    return new TestConnection(loadNodeFile(uri.path), text, ctx.events);
  },
};
