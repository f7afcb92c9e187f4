/** How help and the README's command table show a command (scripts/help.ts). */
import { defineCommand } from '../../scripts/cli';
import { headline, shortUsage } from '../../scripts/help';

describe('help and the README, from the table', () => {
  it('show a command by its usage without the optional options, and the first sentence of its summary', () => {
    const command = defineCommand({
      name: 'demo',
      summary: 'Plan a stack (offline; no account): the verdict first. Then the rest.',
      positionals: [{ name: 'stack', description: 'a stack' }],
      options: { state: { type: 'string', value: '<file>', required: true, description: 'a file' }, all: { type: 'boolean', description: 'all' } },
    });
    expect(shortUsage(command)).toBe('npm run demo -- <stack> --state <file> [options]');
    expect(headline(command.summary)).toBe('Plan a stack (offline; no account).');
    expect(headline('Rebuild it from the file, offline')).toBe('Rebuild it from the file, offline.');
  });
});
