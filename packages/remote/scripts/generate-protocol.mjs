#!/usr/bin/env node
// Generates src/generated/*-protocol.ts from libvirt's rpcgen files (../shared/libvirt-testdata/protocol).
// It parses the subset of rpcgen's language those files use and emits, for every XDR type, a TS type
// and a codec of the same name, the constants, and a procedure table per program.
// `node scripts/generate-protocol.mjs` writes the files; `--check` only reports stale ones.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_PROTOCOL_DIR = join(packageDir, '../../../shared/libvirt-testdata/protocol');
export const GENERATED_DIR = join(packageDir, 'src/generated');

/** Output module → source file; order matters: a file may only use what earlier ones define. */
export const PROTOCOLS = [
  { module: 'virnet-protocol', source: 'virnetprotocol.x' },
  { module: 'keepalive-protocol', source: 'virkeepaliveprotocol.x' },
  { module: 'remote-protocol', source: 'remote_protocol.x' },
  { module: 'qemu-protocol', source: 'qemu_protocol.x' },
  { module: 'lxc-protocol', source: 'lxc_protocol.x' },
];

/**
 * Constants the .x files take from libvirt's C headers (via `%#include`), with their values there:
 * libvirt-host.h (buffer sizes) and libvirt-common.h (virTypedParameterType).
 */
const HEADER_CONSTANTS = {
  VIR_UUID_BUFLEN: 16,
  VIR_SECURITY_MODEL_BUFLEN: 257,
  VIR_SECURITY_LABEL_BUFLEN: 4097,
  VIR_SECURITY_DOI_BUFLEN: 257,
  VIR_TYPED_PARAM_INT: 1,
  VIR_TYPED_PARAM_UINT: 2,
  VIR_TYPED_PARAM_LLONG: 3,
  VIR_TYPED_PARAM_ULLONG: 4,
  VIR_TYPED_PARAM_DOUBLE: 5,
  VIR_TYPED_PARAM_BOOLEAN: 6,
  VIR_TYPED_PARAM_STRING: 7,
};

/** Built-in scalar types: [TS type, codec]. */
const SCALARS = {
  int: ['number', 'xdrInt'],
  'unsigned int': ['number', 'xdrUint'],
  hyper: ['bigint', 'xdrHyper'],
  'unsigned hyper': ['bigint', 'xdrUhyper'],
  char: ['number', 'xdrChar'],
  'unsigned char': ['number', 'xdrUchar'],
  short: ['number', 'xdrShort'],
  'unsigned short': ['number', 'xdrUshort'],
  bool: ['boolean', 'xdrBool'],
  float: ['number', 'xdrFloat'],
  double: ['number', 'xdrDouble'],
};

// ---------------------------------------------------------------------------------------------
// Lexer: identifiers, numbers, punctuation and comments (kept: procedure annotations live there).

function tokenize(text, file) {
  const tokens = [];
  const pattern = /\s+|\/\*[\s\S]*?\*\/|^%.*$|(-?0x[0-9a-fA-F]+|-?\d+)|([A-Za-z_]\w*)|([{}()[\]<>;:,=*])/my;
  let line = 1;
  while (pattern.lastIndex < text.length) {
    const at = pattern.lastIndex;
    const match = pattern.exec(text);
    if (!match) throw new Error(`${file}:${line}: unexpected ${JSON.stringify(text.slice(at, at + 20))}`);
    const [whole, number, ident, punct] = match;
    if (whole.startsWith('/*')) tokens.push({ kind: 'comment', text: whole, line });
    else if (number !== undefined) tokens.push({ kind: 'number', text: number, line });
    else if (ident !== undefined) tokens.push({ kind: 'ident', text: ident, line });
    else if (punct !== undefined) tokens.push({ kind: 'punct', text: punct, line });
    line += whole.split('\n').length - 1;
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser: produces definitions in file order.

export function parseProtocol(text, file) {
  const all = tokenize(text, file);
  const tokens = all.filter((t) => t.kind !== 'comment');
  // The comment closest before a token, for enum members' annotations.
  const commentBefore = new Map();
  let lastComment = null;
  for (const token of all) {
    if (token.kind === 'comment') lastComment = token.text;
    else {
      commentBefore.set(token, lastComment);
      lastComment = null;
    }
  }
  let pos = 0;
  const peek = () => tokens[pos]?.text;
  const fail = (what) => {
    const token = tokens[pos];
    throw new Error(`${file}:${token?.line ?? 'EOF'}: expected ${what}, got ${token?.text ?? 'end of file'}`);
  };
  const next = () => tokens[pos++] ?? fail('more input');
  const expect = (text) => (peek() === text ? next() : fail(JSON.stringify(text)));
  const ident = () => (tokens[pos]?.kind === 'ident' ? next().text : fail('an identifier'));
  const value = () => {
    const token = next();
    if (token.kind === 'number') return { number: Number(token.text), text: token.text };
    if (token.kind === 'ident') return { ref: token.text, text: token.text };
    return fail('a number or constant');
  };

  const typeSpec = () => {
    const word = ident();
    if (word === 'unsigned') {
      const size = ['int', 'hyper', 'char', 'short'].includes(peek()) ? next().text : 'int';
      return { kind: 'scalar', name: `unsigned ${size}` };
    }
    if (word in SCALARS || word === 'string' || word === 'opaque') return { kind: 'scalar', name: word };
    if (word === 'struct' || word === 'enum' || word === 'union') return { kind: 'ref', name: ident() };
    return { kind: 'ref', name: word };
  };

  // `type [*]name[N] | <N> | <>`, or `void`.
  const declaration = () => {
    if (peek() === 'void') {
      next();
      return { name: null, type: null };
    }
    let type = typeSpec();
    const optional = peek() === '*' && next();
    const name = ident();
    if (peek() === '[') {
      next();
      const length = value();
      expect(']');
      type = wrapSized(type, { fixed: length });
    } else if (peek() === '<') {
      next();
      const max = peek() === '>' ? null : value();
      expect('>');
      type = wrapSized(type, { max });
    } else if (type.kind === 'scalar' && (type.name === 'string' || type.name === 'opaque')) {
      fail(`a length for ${type.name} ${name}`);
    }
    if (optional) type = { kind: 'optional', element: type };
    return { name, type };
  };

  const wrapSized = (type, size) => {
    if (type.kind === 'scalar' && type.name === 'string') {
      if (size.fixed) fail('string<N>, not string[N]');
      return { kind: 'string', max: size.max };
    }
    if (type.kind === 'scalar' && type.name === 'opaque') return { kind: 'opaque', ...size };
    return { kind: 'array', element: type, ...size };
  };

  const definitions = [];
  while (pos < tokens.length) {
    const keyword = ident();
    if (keyword === 'const') {
      const name = ident();
      expect('=');
      definitions.push({ kind: 'const', name, value: value() });
    } else if (keyword === 'typedef') {
      const { name, type } = declaration();
      definitions.push({ kind: 'typedef', name, type });
    } else if (keyword === 'enum') {
      const name = ident();
      expect('{');
      const members = [];
      while (peek() !== '}') {
        const doc = commentBefore.get(tokens[pos]);
        const member = ident();
        expect('=');
        members.push({ name: member, value: value(), doc });
        if (peek() === ',') next();
      }
      expect('}');
      definitions.push({ kind: 'enum', name, members });
    } else if (keyword === 'struct') {
      const name = ident();
      expect('{');
      const fields = [];
      while (peek() !== '}') {
        fields.push(declaration());
        expect(';');
      }
      expect('}');
      definitions.push({ kind: 'struct', name, fields });
    } else if (keyword === 'union') {
      const name = ident();
      expect('switch');
      expect('(');
      const discriminant = declaration();
      expect(')');
      expect('{');
      const arms = [];
      let defaultArm;
      while (peek() !== '}') {
        const labels = [];
        let isDefault = false;
        while (peek() === 'case' || peek() === 'default') {
          if (next().text === 'case') labels.push(value());
          else isDefault = true;
          expect(':');
        }
        if (labels.length === 0 && !isDefault) fail('case or default');
        const arm = declaration();
        expect(';');
        for (const label of labels) arms.push({ label, arm });
        if (isDefault) defaultArm = arm;
      }
      expect('}');
      definitions.push({ kind: 'union', name, discriminant, arms, defaultArm });
    } else {
      pos--;
      fail('const, typedef, enum, struct or union');
    }
    expect(';');
  }
  return definitions;
}

// ---------------------------------------------------------------------------------------------
// Emitter.

/** `remote_domain_get_state_args` → `RemoteDomainGetStateArgs`, `virNetMessageHeader` → `VirNetMessageHeader`. */
export function pascalCase(name) {
  return name
    .split('_')
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** Program procedure enums: `remote_procedure` → prefix `remote`, table `REMOTE_PROCEDURES`. */
const PROCEDURE_ENUM = /^(\w+)_procedure$/;

function annotations(doc) {
  const text = doc ?? '';
  const values = (key) => [...text.matchAll(new RegExp(`@${key}:\\s*(\\S+)`, 'g'))].map((m) => m[1]);
  const stream = values('readstream').length ? 'read' : values('writestream').length ? 'write' : undefined;
  return { priority: values('priority')[0] === 'high' ? 'high' : 'low', acl: values('acl'), stream };
}

class Module {
  constructor(name, symbols) {
    this.name = name;
    // name → module that defines it, shared across modules (for imports and duplicate checks).
    this.symbols = symbols;
    this.imports = new Map();
    this.runtime = new Set();
    this.headerConstants = [];
    this.body = [];
  }

  define(name) {
    if (this.symbols.has(name)) throw new Error(`${name} is defined twice`);
    this.symbols.set(name, this.name);
  }

  /** A reference to a constant or type defined here, in an earlier module, or in libvirt's headers. */
  use(name) {
    if (!this.symbols.has(name) && name in HEADER_CONSTANTS) {
      this.define(name);
      this.headerConstants.push(`export const ${name} = ${HEADER_CONSTANTS[name]};`);
    }
    const owner = this.symbols.get(name);
    if (owner === undefined) throw new Error(`${this.name}: ${name} is used before it is defined`);
    if (owner !== this.name) {
      if (!this.imports.has(owner)) this.imports.set(owner, new Set());
      this.imports.get(owner).add(name);
    }
    return name;
  }

  runtimeName(name) {
    this.runtime.add(name);
    return name;
  }

  constant(v) {
    return v.ref === undefined ? v.text : this.use(v.ref);
  }

  typeName(xdrName) {
    const name = pascalCase(xdrName);
    return this.use(name);
  }

  /** [TS type, codec expression] for a declaration's type. */
  emitType(type) {
    switch (type.kind) {
      case 'scalar': {
        const [ts, codec] = SCALARS[type.name];
        return [ts, this.runtimeName(codec)];
      }
      case 'ref': {
        const name = this.typeName(type.name);
        return [name, name];
      }
      case 'string':
        return ['string', `${this.runtimeName('xdrString')}(${this.limit(type.max)})`];
      case 'opaque':
        return type.fixed
          ? ['Uint8Array', `${this.runtimeName('xdrFixedOpaque')}(${this.constant(type.fixed)})`]
          : ['Uint8Array', `${this.runtimeName('xdrOpaque')}(${this.limit(type.max)})`];
      case 'array': {
        const [ts, codec] = this.emitType(type.element);
        return type.fixed
          ? [`${ts}[]`, `${this.runtimeName('xdrFixedArray')}(${codec}, ${this.constant(type.fixed)})`]
          : [`${ts}[]`, `${this.runtimeName('xdrArray')}(${codec}${this.limit(type.max, ', ')})`];
      }
      case 'optional': {
        const [ts, codec] = this.emitType(type.element);
        return [`${ts} | null`, `${this.runtimeName('xdrOptional')}(${codec})`];
      }
      default:
        throw new Error(`unknown type kind ${type.kind}`);
    }
  }

  /** A `<N>` bound, or nothing for `<>` (the codecs default to the largest length). */
  limit(max, prefix = '') {
    return max === null ? '' : `${prefix}${this.constant(max)}`;
  }

  emitDefinition(def, typesByName) {
    const out = this.body;
    switch (def.kind) {
      case 'const':
        this.define(def.name);
        out.push(`export const ${def.name} = ${this.constant(def.value)};`);
        break;
      case 'enum': {
        const name = pascalCase(def.name);
        for (const member of def.members) {
          this.define(member.name);
          out.push(`export const ${member.name} = ${this.constant(member.value)};`);
        }
        this.define(name);
        out.push(`export type ${name} = number;`);
        out.push(`export const ${name}: XdrCodec<${name}> = ${this.runtimeName('xdrInt')};`);
        const program = PROCEDURE_ENUM.exec(def.name);
        if (program) this.emitProcedures(program[1], def.members, typesByName);
        break;
      }
      case 'typedef': {
        const [ts, codec] = this.emitType(def.type);
        const name = pascalCase(def.name);
        this.define(name);
        out.push(`export type ${name} = ${ts};`);
        out.push(`export const ${name}: XdrCodec<${name}> = ${codec};`);
        break;
      }
      case 'struct': {
        const fields = def.fields.map(({ name, type }) => [name, ...this.emitType(type)]);
        const name = pascalCase(def.name);
        this.define(name);
        out.push(`export interface ${name} {`, ...fields.map(([f, ts]) => `  ${f}: ${ts};`), '}');
        out.push(`export const ${name}: XdrCodec<${name}> = ${this.runtimeName('xdrStruct')}<${name}>({`);
        out.push(...fields.map(([f, , codec]) => `  ${f}: ${codec},`), '});');
        break;
      }
      case 'union':
        this.emitUnion(def);
        break;
      default:
        throw new Error(`unknown definition kind ${def.kind}`);
    }
    out.push('');
  }

  emitUnion(def) {
    const [discriminantTs, discriminantCodec] = this.emitType(def.discriminant.type);
    if (discriminantTs !== 'number') throw new Error(`${def.name}: only integer discriminants are supported`);
    const arm = (decl) => (decl.type ? this.emitType(decl.type) : null);
    const cases = def.arms.map(({ label, arm: decl }) => {
      const key = this.constant(label);
      return { key, typeKey: label.ref === undefined ? key : `typeof ${key}`, arm: arm(decl) };
    });
    const variant = (typeKey, emitted) =>
      emitted ? `{ type: ${typeKey}; value: ${emitted[0]} }` : `{ type: ${typeKey}; value?: undefined }`;
    const variants = cases.map(({ typeKey, arm: emitted }) => variant(typeKey, emitted));
    const defaultArm = def.defaultArm === undefined ? undefined : arm(def.defaultArm);
    if (defaultArm !== undefined) variants.push(variant('number', defaultArm));
    const name = pascalCase(def.name);
    this.define(name);
    const armList = cases.map(({ key, arm: emitted }) => `  [${key}, ${emitted ? emitted[1] : 'null'}],`);
    const defaultCodec = defaultArm === undefined ? '' : `, ${defaultArm ? defaultArm[1] : 'null'}`;
    this.body.push(
      `/** Discriminated by \`type\` (the .x switch's \`${def.discriminant.name}\`). */`,
      `export type ${name} =`,
      ...variants.map((v, i) => `  | ${v}${i === variants.length - 1 ? ';' : ''}`),
      `export const ${name}: XdrCodec<${name}> = ${this.runtimeName('xdrUnion')}<${name}>(${discriminantCodec}, [`,
      ...armList,
      `]${defaultCodec});`,
    );
  }

  emitProcedures(prefix, members, typesByName) {
    const table = `${prefix.toUpperCase()}_PROCEDURES`;
    this.define(table);
    this.runtimeName('ProcedureInfo');
    this.body.push(
      `export const ${table}: ReadonlyMap<number, ProcedureInfo> = new Map<number, ProcedureInfo>([`,
    );
    const procPrefix = `${prefix.toUpperCase()}_PROC_`;
    for (const member of members) {
      if (!member.name.startsWith(procPrefix))
        throw new Error(`${member.name} does not start with ${procPrefix}`);
      const base = `${prefix}_${member.name.slice(procPrefix.length).toLowerCase()}`;
      const info = [`name: '${member.name}'`];
      for (const part of ['args', 'ret', 'msg']) {
        const xdrName = `${base}_${part}`;
        if (typesByName.has(xdrName)) info.push(`${part}: ${this.typeName(xdrName)}`);
      }
      const { priority, acl, stream } = annotations(member.doc);
      info.push(`priority: '${priority}'`, `acl: [${acl.map((a) => `'${a}'`).join(', ')}]`);
      if (stream) info.push(`stream: '${stream}'`);
      this.body.push(`  [${member.name}, { ${info.join(', ')} }],`);
    }
    this.body.push(']);');
  }

  render(source) {
    const runtime = [...this.runtime].sort();
    const typeOnly = new Set(['ProcedureInfo']);
    const header = [
      `// Generated by scripts/generate-protocol.mjs from libvirt's ${source}. Do not edit: regenerate with`,
      '// `pnpm --filter @virtkit/remote generate`.',
      '//',
      '// Each XDR type `foo_bar` is a TS type and a codec, both named `FooBar`. int/unsigned/char/short ->',
      '// number, hyper -> bigint, bool -> boolean, string -> string (UTF-8), opaque -> Uint8Array,',
      '// `*T` -> T | null, arrays -> T[], enums -> number (members exported as constants), structs -> plain',
      '// objects with the .x field names, unions -> { type: discriminant; value?: arm value }.',
      '',
      `import { ${['XdrCodec', ...runtime].map((n) => (n === 'XdrCodec' || typeOnly.has(n) ? `type ${n}` : n)).join(', ')} } from '../xdr/index.js';`,
    ];
    for (const [owner, names] of this.imports) {
      header.push(`import { ${[...names].sort().join(', ')} } from './${owner}.js';`);
    }
    return [...header, '', ...this.headerConstants, ...this.body].join('\n');
  }
}

/** Parses every protocol file and returns module name → unformatted TS source. */
export function generateSources(protocolDir = DEFAULT_PROTOCOL_DIR) {
  const symbols = new Map();
  const parsed = PROTOCOLS.map(({ module, source }) => ({
    module,
    source,
    definitions: parseProtocol(readFileSync(join(protocolDir, source), 'utf8'), source),
  }));
  const typesByName = new Map(
    parsed.flatMap(({ definitions }) =>
      definitions.filter((d) => d.kind !== 'const').map((d) => [d.name, d]),
    ),
  );
  const sources = new Map();
  for (const { module, source, definitions } of parsed) {
    const out = new Module(module, symbols);
    for (const def of definitions) out.emitDefinition(def, typesByName);
    sources.set(module, out.render(source));
  }
  return sources;
}

/** Formats (and sorts imports) with the repo's biome, so the checked-in files pass `biome check` as they are. */
function format(source, module) {
  const biome = join(packageDir, '../../node_modules/.bin/biome');
  const result = spawnSync(biome, ['check', '--write', `--stdin-file-path=src/generated/${module}.ts`], {
    input: source,
    encoding: 'utf8',
    cwd: packageDir,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`biome check failed for ${module}: ${result.stderr}`);
  return result.stdout;
}

/** Module name → formatted TS source, exactly as checked in. */
export function generateProtocol(protocolDir = DEFAULT_PROTOCOL_DIR) {
  return new Map(
    [...generateSources(protocolDir)].map(([module, source]) => [module, format(source, module)]),
  );
}

function main(args) {
  const check = args.includes('--check');
  let stale = 0;
  for (const [module, text] of generateProtocol()) {
    const path = join(GENERATED_DIR, `${module}.ts`);
    let current = null;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // Missing: written below, or reported as stale.
    }
    if (current === text) continue;
    stale++;
    if (check) console.error(`${path} is out of date`);
    else writeFileSync(path, text);
  }
  if (check && stale) process.exit(1);
  console.log(check ? 'generated protocol is up to date' : `wrote ${stale} file(s) to ${GENERATED_DIR}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
