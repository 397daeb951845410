import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCommunes } from '../../../src/content/communes.js';
import type { CommuneDirectory } from '../../../src/domain/communes.js';
import { extractEntities } from '../../../src/nlu/entities/index.js';

let communes: CommuneDirectory;
beforeAll(async () => {
  communes = await loadCommunes(join(import.meta.dirname, '../../../content'));
});

const entities = (text: string, kind: 'area' | 'commune') => extractEntities(text.normalize('NFC'), communes).filter((e) => e.entity === kind);
const idOf = (name: string, type: string) => communes.all().find((c) => c.name === name && c.type === type)!.id;

describe('area', () => {
  it.each([
    ['nhà tôi ở nông thôn', 'rural', undefined],
    ['nha o nong thon', 'rural', undefined],
    ['khu vực thành thị', 'urban', undefined],
    ['vung do thi', 'urban', undefined],
    ['tôi ở xã', 'rural', true],
    ['nhà ở phường', 'urban', true],
    ['toi o xa Thanh Ha', 'rural', true],
    ['phuong kinh mon', 'urban', true],
    ['trước ở thị trấn', 'urban', true],
  ])('%s → %s', (text, value, inferred) => {
    const [area] = entities(text, 'area');
    expect(area).toMatchObject({ value });
    expect(area!.inferred).toBe(inferred);
  });

  it.each(['ngân hàng chính sách xã hội', 'ngan hang chinh sach xa hoi', 'con di lam o xa', 'dia phuong nao cung duoc'])(
    'finds none in "%s"',
    (text) => expect(entities(text, 'area')).toEqual([]),
  );
});

describe('commune', () => {
  it.each([
    ['tôi ở xã Thanh Hà', 'Thanh Hà', 'xa'],
    ['toi o xa thanh ha', 'Thanh Hà', 'xa'],
    ['phuong kinh mon', 'Kinh Môn', 'phuong'],
    ['o tu ky co cong ty nao', 'Tứ Kỳ', 'xa'],
    ['email ubnd xa Ninh Giang', 'Ninh Giang', 'xa'],
    ['xa thanh mein', 'Thanh Miện', 'xa'],
    ['thanh mien', 'Thanh Miện', 'xa'],
    ['Tôi sống ở phường Chí Linh', 'Chí Linh', 'phuong'],
    ['dac khu cat hai', 'Cát Hải', 'dac_khu'],
  ])('%s → %s', (text, name, type) => {
    const [commune] = entities(text, 'commune');
    expect(commune?.value).toBe(idOf(name, type));
  });

  it('spans the unit word and the name, with offsets into the text', () => {
    const text = 'tôi ở xã Thanh Hà nhé';
    const [commune] = entities(text, 'commune');
    expect(commune).toMatchObject({ text: 'xã Thanh Hà', start: 6, end: 17 });
  });

  it('offers every new commune a split former commune went to', () => {
    const [commune] = entities('trước tôi ở phường Hoa Động', 'commune');
    const ids = [commune!.value, ...(commune!.alternatives ?? [])];
    expect(ids.sort()).toEqual([idOf('Thủy Nguyên', 'phuong'), idOf('Thiên Hương', 'phuong')].sort());
  });

  it('tells apart names that fold alike when diacritics are typed', () => {
    expect(entities('xã Cẩm Giàng', 'commune')[0]).toMatchObject({ value: idOf('Cẩm Giàng', 'xa') });
    expect(entities('xã Cẩm Giang', 'commune')[0]).toMatchObject({ value: idOf('Cẩm Giang', 'xa') });
    const [either] = entities('xa cam giang', 'commune');
    expect([either!.value, ...(either!.alternatives ?? [])].sort()).toEqual([idOf('Cẩm Giàng', 'xa'), idOf('Cẩm Giang', 'xa')].sort());
  });

  it('does not take ordinary words for a commune', () => {
    for (const text of ['nhà đại đoàn kết', 'chien thang roi', 'thong nhat ý kiến', 'an sinh xã hội', 'tỉnh Hải Dương sáp nhập']) {
      expect(entities(text, 'commune'), text).toEqual([]);
    }
  });
});
