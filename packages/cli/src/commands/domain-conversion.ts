import type { CommandDef } from '../command-types.js';
import { readXmlFile } from './read-xml-file.js';

/** virsh's domain XML ↔ native config commands (Domain Management group). */
export const DOMAIN_CONVERSION_COMMANDS: readonly CommandDef[] = [
  {
    name: 'domxml-from-native',
    help: 'Convert native config to domain XML',
    desc: 'Convert native guest configuration format to domain XML format.',
    options: [
      { name: 'format', type: 'data', help: 'source config data format', required: true },
      { name: 'config', type: 'data', help: 'config data file to import from', required: true },
    ],
    run: async (session, options) => {
      const format = session.requireString(options, 'format');
      const config = await readXmlFile(session, session.requireString(options, 'config'));
      const xml = await (await session.connection()).domainXmlFromNative(format, config);
      session.print(xml);
      return true;
    },
  },
  {
    name: 'domxml-to-native',
    help: 'Convert domain XML to native config',
    desc: 'Convert domain XML config to a native guest configuration format.',
    // A bare second word is the XML file, as in virsh (the domain is only ever --domain).
    options: [
      { name: 'format', type: 'data', help: 'target config data type format', required: true },
      { name: 'xml', type: 'string', help: 'xml data file to export from' },
      { name: 'domain', type: 'string', help: 'domain name, id or uuid' },
    ],
    run: async (session, options) => {
      session.exclusive(options, 'domain', 'xml');
      const format = session.requireString(options, 'format');
      const file = options.string('xml');
      let xml: string;
      if (options.has('domain')) xml = await (await session.lookupDomain(options)).getXmlDesc();
      else if (file !== undefined) xml = await readXmlFile(session, file);
      else return session.fail('need either domain or domain XML');
      const native = await (await session.connection()).domainXmlToNative(format, xml);
      // virsh prints the text as it is; its usual empty line after a command ends the line.
      session.print(native);
      return true;
    },
  },
];
