import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPovertyRules } from '../../src/content/standards.js';
import { ContentError } from '../../src/errors.js';

const REAL = fileURLToPath(new URL('../../content/standards', import.meta.url));
const INDICATORS_2022 = [
  'employment',
  'dependants',
  'nutrition',
  'health_insurance',
  'adult_education',
  'child_schooling',
  'housing_quality',
  'housing_area',
  'drinking_water',
  'sanitation',
  'telecom',
  'information_access',
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'standards-'));
  await cp(REAL, dir, { recursive: true });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const edit = async (file: string, change: (text: string) => string) => {
  const path = join(dir, file);
  await writeFile(path, change(await readFile(path, 'utf8')));
};
const failure = async () => {
  const error = await loadPovertyRules(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContentError);
  return (error as Error).message;
};

describe('loadPovertyRules', () => {
  it('loads the two standards with the indicator ids of the decrees', async () => {
    const rules = await loadPovertyRules(REAL);
    const [old, next] = rules.standards;
    expect(old!.id).toBe('vn-2022-2025');
    expect(old!.dimensions.flatMap((d) => d.indicators.map((i) => i.id))).toEqual(INDICATORS_2022);
    expect(old!.areas).toMatchObject({ rural: { incomeLine: 1_500_000, averageLivingUpTo: 2_250_000 }, urban: { incomeLine: 2_000_000, averageLivingUpTo: 3_000_000 } });
    expect(next!.id).toBe('vn-2027-2030');
    expect(next!.areas).toMatchObject({ rural: { incomeLine: 2_200_000 }, urban: { incomeLine: 2_800_000 } });
    const nextIds = next!.dimensions.flatMap((d) => d.indicators.map((i) => i.id));
    // NĐ 351/2025 as reported: 6 dimensions, 12 indicators; information has one indicator (telecom/digital services).
    expect(next!.dimensions).toHaveLength(6);
    expect(nextIds).toHaveLength(12);
    expect(new Set(nextIds).size).toBe(12);
    expect(next!.dimensions.find((d) => d.id === 'information')!.indicators.map((i) => i.id)).toEqual(['telecom']);
    expect(nextIds).not.toContain('information_access');
    expect(nextIds).not.toContain('digital_services');
    expect(nextIds).toEqual(expect.arrayContaining([...INDICATORS_2022.filter((i) => i !== 'information_access'), 'household_waste']));
    expect(next!.provisional).toBe(true);
  });

  it('names the file and the place of a shape problem', async () => {
    await edit('vn-2022-2025.yaml', (t) => t.replace('incomeLine: 1500000', 'incomeLine: "một triệu rưỡi"'));
    expect(await failure()).toMatch(/vn-2022-2025\.yaml: areas\.rural\.incomeLine must be number/);
  });

  it('rejects a file that is not YAML', async () => {
    await writeFile(join(dir, 'guidance.yaml'), 'disclaimer: [unclosed');
    expect(await failure()).toMatch(/guidance\.yaml: line \d+, column \d+: not valid YAML/);
  });

  it('rejects a missing entitlements or guidance file', async () => {
    await rm(join(dir, 'entitlements.yaml'));
    expect(await failure()).toMatch(/entitlements\.yaml: file is missing/);
  });

  it('rejects standards whose dates overlap', async () => {
    await edit('vn-2027-2030.yaml', (t) => t.replace('effectiveFrom: "2027-01-01"', 'effectiveFrom: "2026-12-31"'));
    expect(await failure()).toMatch(/vn-2027-2030\.yaml: its dates overlap those of vn-2022-2025/);
  });

  it('rejects a repeated indicator id and a file named after another id', async () => {
    await edit('vn-2022-2025.yaml', (t) => t.replace('- id: telecom', '- id: sanitation'));
    expect(await failure()).toMatch(/indicator id "sanitation" appears twice/);
    await cp(join(REAL, 'vn-2022-2025.yaml'), join(dir, 'vn-2022-2025.yaml'));
    await edit('vn-2022-2025.yaml', (t) => t.replace('id: vn-2022-2025', 'id: vn-2021-2025'));
    expect(await failure()).toMatch(/must be in vn-2021-2025\.yaml/);
  });

  it('rejects a provisional standard without its note, and prose without diacritics', async () => {
    await edit('vn-2027-2030.yaml', (t) => t.replace(/provisionalNote: >-\n(\s+.+\n)+?sources:/, 'sources:'));
    expect(await failure()).toMatch(/provisionalNote is required/);
    await cp(join(REAL, 'vn-2027-2030.yaml'), join(dir, 'vn-2027-2030.yaml'));
    await edit('vn-2027-2030.yaml', (t) => t.replace('label: nông thôn', 'label: nong thon'));
    expect(await failure()).toMatch(/areas\.rural\.label has no Vietnamese diacritics/);
  });

  it('rejects an unconfirmed entitlement that states an amount', async () => {
    await edit('entitlements.yaml', (t) =>
      t.replace('Chương trình mục tiêu quốc gia giai đoạn 2026–2035;', 'Chương trình mục tiêu quốc gia giai đoạn 2026–2035, tối đa 3 triệu đồng;'),
    );
    expect(await failure()).toMatch(/entitlements\.yaml: entitlements\[\d+\] \(vocational_training\): states an amount but is not confirmed/);
  });

  it('rejects two versions of an entitlement in force on the same day', async () => {
    await edit('entitlements.yaml', (t) => t.replace('effectiveTo: "2025-11-30"', 'effectiveTo: "2025-12-01"'));
    expect(await failure()).toMatch(/\(vbsp_loan_poor\): its dates overlap/);
  });

  it('rejects an unknown placeholder in a note and an unknown category', async () => {
    await edit('guidance.yaml', (t) => t.replace('{category}', '{hang}'));
    await edit('entitlements.yaml', (t) => t.replace('categories: [poor]', 'categories: [very_poor]'));
    const message = await failure();
    expect(message).toMatch(/guidance\.yaml: notes\.nearLineAbove: unknown placeholder \{hang\}/);
    expect(message).toMatch(/entitlements\.yaml: entitlements\[0\]\.categories\[0\] must be one of "poor"/);
  });
});
