export { DEFAULT_NODE_XML } from './default-node.js';
export { loadNode, loadNodeFile } from './node-loader.js';
export { driver } from './test-driver.js';
