/**
 * The command table (scripts/commands.ts): package.json's scripts follow it exactly, every compiled
 * command runs through the one entry (scripts/run.js), and no script line builds on its own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root';
import * as table from '../../scripts/commands';

const { COMMANDS, GROUPS, RUNNER, scriptOf } = table;
const PACKAGE = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const COMPILED = COMMANDS.filter((c): c is table.CompiledCommand => 'module' in c);

describe('the command table', () => {
  it('is package.json\'s scripts: the same names, each with the line the table gives', () => {
    expect(Object.keys(PACKAGE.scripts).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    expect(COMMANDS.filter((c) => PACKAGE.scripts[c.name] !== scriptOf(c)).map((c) => [c.name, PACKAGE.scripts[c.name], scriptOf(c)])).toEqual([]);
  });

  it('runs every compiled command through the one entry, and builds nowhere else', () => {
    expect(COMPILED.length).toBeGreaterThanOrEqual(18);
    for (const c of COMPILED) expect(PACKAGE.scripts[c.name]).toBe(`${RUNNER} ${c.name}`);
    expect(Object.values(PACKAGE.scripts).filter((line) => /fresh-build|dist\//.test(line))).toEqual([]);
  });

  it('names each command once, in a group of help', () => {
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
    expect(COMMANDS.filter((c) => !GROUPS.some((g) => g.id === c.group)).map((c) => c.name)).toEqual([]);
  });
});
