// Logs: readable lines on a terminal, JSON lines otherwise (a pipe, a file, a log collector).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const SNIPPET = `
  const { createLogger } = await import('./src/runtime.ts');
  createLogger({ logLevel: 'info' }).info({ order: 42 }, 'заказ оформлен');
`;

function run(viaTerminal: boolean): string {
  const node = [process.execPath, '--input-type=module', '-e', SNIPPET];
  // util-linux `script` runs the command with a pseudo-terminal as its stdout.
  const result = viaTerminal
    ? spawnSync(
        'script',
        ['-qec', node.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' '), '/dev/null'],
        {
          encoding: 'utf8',
          timeout: 30_000,
        },
      )
    : spawnSync(node[0], node.slice(1), { encoding: 'utf8', timeout: 30_000 });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

const haveScript = spawnSync('script', ['--version']).status === 0;

describe('log format', () => {
  it('writes JSON lines when stdout is not a terminal', () => {
    const [line] = run(false).trim().split('\n');
    expect(JSON.parse(line)).toMatchObject({ level: 30, msg: 'заказ оформлен', order: 42 });
  });

  it.skipIf(!haveScript)('writes readable lines when stdout is a terminal', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes of the terminal
    const output = run(true).replace(/\u001b\[[0-9;]*m/g, '');
    expect(output).toMatch(/^\[\d\d:\d\d:\d\d(\.\d+)?\] INFO: заказ оформлен/m);
    expect(output).toMatch(/order: 42/);
    expect(output).not.toContain('{"level"');
  });
});
