import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCommunes } from '../../src/content/communes.js';
import type { CommuneDirectory } from '../../src/domain/communes.js';

const contentDir = join(import.meta.dirname, '../../content');
let communes: CommuneDirectory;
let scratch: string;

beforeAll(async () => {
  communes = await loadCommunes(contentDir);
  scratch = await mkdtemp(join(tmpdir(), 'communes-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const names = (query: string) => communes.search(query).map((m) => `${m.commune.type} ${m.commune.name}`);

describe('the directory', () => {
  it('holds the 114 units of Nghị quyết 1669: 67 xã, 45 phường, 2 đặc khu, each id its statistics code', () => {
    const all = communes.all();
    expect(all).toHaveLength(114);
    expect(all.filter((c) => c.type === 'xa')).toHaveLength(67);
    expect(all.filter((c) => c.type === 'phuong')).toHaveLength(45);
    expect(all.filter((c) => c.type === 'dac_khu')).toHaveLength(2);
    expect(new Set(all.map((c) => c.id)).size).toBe(114);
    expect(all.every((c) => c.id === c.code)).toBe(true);
    expect(all.filter((c) => c.formerProvince === 'Hải Dương')).toHaveLength(64);
  });

  it('finds a commune by id and lists them for the API', () => {
    const thanhHa = communes.all().find((c) => c.name === 'Thanh Hà')!;
    expect(communes.byId(thanhHa.id)).toBe(thanhHa);
    expect(communes.byId('00000')).toBeUndefined();
    const listed = communes.list().find((c) => c.id === thanhHa.id)!;
    expect(listed).toMatchObject({ name: 'Thanh Hà', type: 'xa' });
    expect(listed.formerNames[0]).toEqual({
      name: thanhHa.formerNames[0]!.name,
      type: thanhHa.formerNames[0]!.type,
      formerDistrict: thanhHa.formerNames[0]!.formerDistrict,
      portion: thanhHa.formerNames[0]!.portion,
    });
  });
});

describe('search', () => {
  it('ignores diacritics, case, spacing and the unit word', () => {
    for (const query of ['Thanh Hà', 'thanh ha', 'THANH HA', 'xã Thanh Hà', 'xa thanh ha', 'thanhha']) {
      expect(names(query)[0], query).toBe('xa Thanh Hà');
    }
    expect(names('phuong kinh mon')[0]).toBe('phuong Kinh Môn');
    expect(names('dac khu bach long vi')[0]).toBe('dac_khu Bạch Long Vĩ');
  });

  it('tolerates a typo', () => {
    expect(names('thanh mein')[0]).toBe('xa Thanh Miện');
    expect(names('kinh mn')[0]).toBe('phuong Kinh Môn');
    expect(names('gia locc')[0]).toBe('xa Gia Lộc');
  });

  it('returns every new commune a split former unit went to, naming the former unit', () => {
    const matches = communes.search('Hoa Động');
    expect(matches.map((m) => m.commune.name).sort()).toEqual(['Thiên Hương', 'Thủy Nguyên']);
    expect(matches.every((m) => m.via === 'former_name' && m.former?.formerDistrict === 'thành phố Thủy Nguyên')).toBe(true);
  });

  it('puts a current name before the same name as a former unit', () => {
    const [first, ...rest] = communes.search('Gia Lộc');
    expect(first).toMatchObject({ via: 'name', distance: 0 });
    expect(first!.commune.name).toBe('Gia Lộc');
    expect(rest.some((m) => m.via === 'former_name')).toBe(true);
  });

  it('uses typed diacritics to separate names that fold alike', () => {
    expect(names('Cẩm Giàng')).toEqual(['xa Cẩm Giàng']);
    expect(names('Cẩm Giang')).toEqual(['xa Cẩm Giang']);
    expect(names('cam giang').sort()).toEqual(['xa Cẩm Giang', 'xa Cẩm Giàng']);
  });

  it('knows the spelling variants of the official lists', () => {
    expect(names('Bình Lãng')).toEqual(['xa Đại Sơn']);
    expect(names('Bình Lăng')).toEqual(['xa Đại Sơn']);
  });

  it('finds nothing for what is not a commune, and guesses nothing for short names', () => {
    expect(communes.search('không có xã này')).toEqual([]);
    expect(communes.search('')).toEqual([]);
    expect(communes.search('an lu')).toHaveLength(2);
    expect(communes.search('an lo')).toEqual([]);
  });
});

describe('loading', () => {
  const write = async (name: string, content: string) => {
    const dir = join(scratch, name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    await writeFile(join(dir, 'communes.json'), content);
    return dir;
  };

  it('names the file when it is missing', async () => {
    await expect(loadCommunes(join(scratch, 'nowhere'))).rejects.toThrow(/nowhere\/communes\.json: \(file\): file not found/);
  });

  it('names the file when it is not JSON', async () => {
    const dir = await write('not-json', '{"communes": [');
    await expect(loadCommunes(dir)).rejects.toThrow(/communes\.json: line 1, column 15: not valid JSON/);
  });

  it('names the file and the field that is wrong', async () => {
    const good = JSON.parse(await readFile(join(contentDir, 'communes.json'), 'utf8'));
    good.communes[3].formerNames[0].portion = 'most';
    const dir = await write('bad-field', JSON.stringify(good));
    const error = await loadCommunes(dir).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'ContentError' });
    expect((error as Error).message).toMatch(/communes\.json: communes\.3\.formerNames\.0\.portion/);
  });

  it('refuses duplicate ids', async () => {
    const good = JSON.parse(await readFile(join(contentDir, 'communes.json'), 'utf8'));
    good.communes[1] = { ...good.communes[1], id: good.communes[0].id, code: good.communes[0].id };
    const dir = await write('duplicate', JSON.stringify(good));
    await expect(loadCommunes(dir)).rejects.toThrow(/communes\.1\.id: duplicate id/);
  });
});
