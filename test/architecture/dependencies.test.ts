import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The layer rules of .dependency-cruiser.cjs hold for src/, they catch a forbidden import (a fixture that breaks
 * them), and the README's architecture section states the same rules and folders.
 */
let options: ICruiseOptions;

beforeAll(async () => {
  options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
});

async function violations(baseDir: string): Promise<IViolation[]> {
  const result = await cruise(['src'], { ...options, baseDir, validate: true });
  if (typeof result.output === 'string') throw new Error(`unexpected output: ${result.output.slice(0, 200)}`);
  return result.output.summary.violations;
}

const describeViolation = (v: IViolation) => `${v.rule.name}: ${v.from} → ${v.to}`;

describe('dependency rules', () => {
  it('src/ breaks none of them', async () => {
    expect((await violations(process.cwd())).map(describeViolation)).toEqual([]);
  });

  it('catch a domain rule that imports from http/ and a text helper that imports the domain', async () => {
    const found = (await violations(join(import.meta.dirname, 'fixtures'))).map(describeViolation);
    expect(found).toEqual(
      expect.arrayContaining([
        'domain-and-text-are-pure: src/domain/rule.ts → src/http/status.ts',
        'text-stands-alone: src/text/words.ts → src/domain/rule.ts',
      ]),
    );
  });
});

describe('the README states the rules', () => {
  const readme = readFileSync('README.md', 'utf8');
  const architecture = readme.slice(readme.indexOf('## Architecture'), readme.indexOf('\n## ', readme.indexOf('## Architecture') + 1));

  it('lists every dependency rule with its description', () => {
    const rules = (options.ruleSet?.forbidden ?? []).map((rule) => `| \`${rule.name}\` | ${rule.comment} |`);
    const listed = architecture.split('\n').filter((line) => /^\| `[a-z-]+` \|/.test(line));
    expect(listed).toEqual(rules);
  });

  it('names every top-level folder of src/, and only existing ones', () => {
    const folders = readdirSync('src', { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const named = [...new Set([...architecture.matchAll(/`src\/([a-z-]+)\/`/g)].map((m) => m[1]!))].sort();
    expect(named).toEqual(folders);
  });

  it('has a README.md in every top-level folder of src/', () => {
    for (const folder of readdirSync('src', { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
      expect(readdirSync(join('src', folder.name)), folder.name).toContain('README.md');
    }
  });
});
