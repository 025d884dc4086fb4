// virsh and virtkit, side by side: each case runs through both with the same arguments, files
// and clean environment; stdout, stderr and exit status must match byte for byte once the
// differences the issue allows (normalise.ts) are rewritten away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_GROUPS, ISSUE_COMMANDS, type SideBySideCase } from './side-by-side/cases.js';
import { createFixtures, type Fixtures } from './side-by-side/fixtures.js';
import { normalise } from './side-by-side/normalise.js';
import { locateVirsh, locateVirtkit, runTool, type Tool, type ToolRun } from './side-by-side/tools.js';

let virsh: Tool;
let virtkit: Tool;
let fixtures: Fixtures;

beforeAll(() => {
  virsh = locateVirsh();
  virtkit = locateVirtkit();
  fixtures = createFixtures();
});

afterAll(() => fixtures?.remove());

/** The case as a shell command line, to paste when reproducing a failure. */
function commandLine(tool: string, testCase: SideBySideCase): string {
  const quoted = testCase.argv.map((arg) =>
    /^[\w./:=-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`,
  );
  const stdin = testCase.stdin === undefined ? '' : `printf %s ${JSON.stringify(testCase.stdin)} | `;
  const env = Object.entries(testCase.env ?? {}).map(([name, value]) => `${name}=${value} `);
  const interrupt =
    testCase.interruptAfterMs === undefined ? '' : ` # Ctrl-C after ${testCase.interruptAfterMs} ms`;
  return `${stdin}${env.join('')}${tool} ${quoted.join(' ')}${interrupt}`;
}

async function observe(tool: Tool, testCase: SideBySideCase): Promise<ToolRun> {
  const env = Object.fromEntries(
    Object.entries(testCase.env ?? {}).map(([name, value]) => [name, fixtures.resolve(value)]),
  );
  const argv = testCase.argv.map((arg) => fixtures.resolve(arg));
  const run = await runTool(tool, argv, {
    cwd: fixtures.dir,
    stdin: testCase.stdin,
    env,
    interruptAfterMs: testCase.interruptAfterMs,
  });
  return {
    exitCode: run.exitCode,
    stdout: normalise(run.stdout, testCase.layoutOnly),
    stderr: normalise(run.stderr, testCase.layoutOnly),
  };
}

for (const group of CASE_GROUPS) {
  describe.concurrent(group.title, () => {
    for (const testCase of group.cases) {
      const known = testCase.knownDifference;
      const define = known === undefined ? it : it.fails;
      const name =
        commandLine('virsh', testCase) + (known === undefined ? '' : ` [known difference: ${known}]`);
      define(name, { timeout: 30_000 }, async () => {
        const [expected, actual] = await Promise.all([observe(virsh, testCase), observe(virtkit, testCase)]);
        // Expected is virsh, received is virtkit.
        expect(actual, commandLine('virtkit', testCase)).toEqual(expected);
      });
    }
  });
}

it('covers every command of the issue', () => {
  const invoked = new Set(
    CASE_GROUPS.flatMap((group) => group.cases)
      .flatMap((testCase) => [testCase.argv.join(' '), testCase.stdin ?? ''])
      .flatMap((text) => text.split(/[;\n]/))
      .flatMap((command) =>
        command
          .trim()
          .split(/\s+/)
          .filter((word) => /^[a-z]+$/.test(word)),
      ),
  );
  expect(ISSUE_COMMANDS.filter((command) => !invoked.has(command))).toEqual([]);
});
