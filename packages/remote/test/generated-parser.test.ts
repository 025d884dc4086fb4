import { describe, expect, it } from 'vitest';
import { parseProtocol } from '../scripts/generate-protocol.mjs';

// Every construct of rpcgen's language the generator claims to handle, in one file.
const SAMPLE = `
/* a licence header */
%#include "internal.h"
const PROG = 0x20008086;
const LIMIT = 16;
typedef string name_t<LIMIT>;
typedef name_t *maybe_name;
enum color { RED = 0, /* comment between */ GREEN = 1 };
struct sample {
    unsigned hyper big;
    unsigned flags;
    char model[32];
    opaque uuid[LIMIT];
    opaque blob<>;
    int list<LIMIT>;
    color colors<>;
    struct sample *next;
};
union choice switch (int kind) {
 case RED:
 case 5:
     int number;
 case GREEN:
     void;
 default:
     name_t text;
};
enum demo_procedure {
    /**
     * @priority: high
     * @acl: domain:read
     */
    DEMO_PROC_ONE = 1
};
`;

describe('rpcgen subset parser', () => {
  const definitions = parseProtocol(SAMPLE, 'sample.x');

  it('skips comments and % lines and keeps definitions in order', () => {
    expect(definitions.map((d) => `${d.kind} ${d.name}`)).toEqual([
      'const PROG',
      'const LIMIT',
      'typedef name_t',
      'typedef maybe_name',
      'enum color',
      'struct sample',
      'union choice',
      'enum demo_procedure',
    ]);
  });

  it('reads sized, optional and unsigned declarations', () => {
    const sample = definitions.find((d) => d.name === 'sample') as { fields: unknown[] };
    expect(sample.fields).toEqual([
      { name: 'big', type: { kind: 'scalar', name: 'unsigned hyper' } },
      { name: 'flags', type: { kind: 'scalar', name: 'unsigned int' } },
      {
        name: 'model',
        type: { kind: 'array', element: { kind: 'scalar', name: 'char' }, fixed: { number: 32, text: '32' } },
      },
      { name: 'uuid', type: { kind: 'opaque', fixed: { ref: 'LIMIT', text: 'LIMIT' } } },
      { name: 'blob', type: { kind: 'opaque', max: null } },
      {
        name: 'list',
        type: {
          kind: 'array',
          element: { kind: 'scalar', name: 'int' },
          max: { ref: 'LIMIT', text: 'LIMIT' },
        },
      },
      { name: 'colors', type: { kind: 'array', element: { kind: 'ref', name: 'color' }, max: null } },
      { name: 'next', type: { kind: 'optional', element: { kind: 'ref', name: 'sample' } } },
    ]);
  });

  it('reads union arms with shared labels, void arms and a default', () => {
    const choice = definitions.find((d) => d.name === 'choice') as {
      arms: { label: { text: string }; arm: { name: string | null } }[];
      defaultArm: { name: string };
    };
    expect(choice.arms.map((a) => [a.label.text, a.arm.name])).toEqual([
      ['RED', 'number'],
      ['5', 'number'],
      ['GREEN', null],
    ]);
    expect(choice.defaultArm.name).toBe('text');
  });

  it('keeps the comment above each enum member for annotations', () => {
    const procedures = definitions.find((d) => d.name === 'demo_procedure') as { members: { doc: string }[] };
    expect(procedures.members[0]?.doc).toMatch(/@acl: domain:read/);
  });

  it.each([
    ['an unknown keyword', 'program x;', /sample.x:1: expected const, typedef/],
    [
      'a string without a bound',
      'struct s {\n string name;\n};',
      /sample.x:2: expected a length for string name/,
    ],
    ['a missing semicolon', 'const A = 1', /expected ";"/],
  ])('reports %s with its line', (_name, text, message) => {
    expect(() => parseProtocol(text, 'sample.x')).toThrow(message);
  });
});
