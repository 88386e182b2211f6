/**
 * Keyword search's own BM25 index: what it ranks first and why, the stemming of each locale's language, the index
 * saved inside the index file and loaded back, and a saved index that does not fit refused by name.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltKnowledge } from '../../lambda/src/knowledge/knowledge';
import { KeywordIndex, type SavedKeywords } from '../../lambda/src/knowledge/keyword-index';
import { KnowledgeIndex, KnowledgeIndexError } from '../../lambda/src/knowledge/search-index';
import { INDEX_FILE } from '../../lib/definition/knowledge-index';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const passage = (heading: string, text: string) => ({ heading, text });
/** The positions of what a search finds, best first. */
const found = (index: KeywordIndex, terms: string, limit = 10) => index.search(terms, limit).map((hit) => hit.position);

const SHOP = [
  passage('Bells', 'Every bike leaves with a bell fitted.'),
  passage('Saddles', 'A leather saddle costs 40 pounds.'),
  passage('Lights', 'Lights and a bell come with every city bike.'),
  passage('Locks', 'A bell, a lock and lights are sold at the counter.'),
  passage('Delivery', 'We deliver within five miles, and delivery is free over 100 pounds.'),
];

test('a rarer word weighs more: of two passages each holding one word of the question, the rarer word wins', () => {
  const index = KeywordIndex.build(SHOP, 'en');
  // "bell" is in four passages, "saddle" in one: the saddle passage ranks first although each holds one word.
  expect(found(index, 'bell saddle')[0]).toBe(1);
  expect(found(index, 'bell saddle')).toHaveLength(4);
});

test("a score is Orama's BM25: idf times the passage's weight for its field, summed over heading and text", () => {
  const index = KeywordIndex.build(SHOP, 'en');
  const [hit] = index.search('saddle', 1);
  // Both fields of passage 1 hold "saddl": 1 of 5 passages has it in each.
  const idf = Math.log(1 + (5 - 1 + 0.5) / (1 + 0.5));
  const weight = (length: number, average: number) =>
    (0.5 + (1 / length) * 2.2) / (1 / length + 1.2 * (0.25 + (0.75 * length) / average));
  // Distinct words: the headings have 1 each; the texts 7, 6, 9, 10 and 12 ("a" and "and" count, repeats do not).
  const expected = idf * weight(1, 1) + idf * weight(6, (7 + 6 + 9 + 10 + 12) / 5);
  expect(hit.position).toBe(1);
  expect(hit.score).toBeCloseTo(expected, 10);
});

test('a word of the question finds the longer words it begins, and words the stemmer folds', () => {
  const index = KeywordIndex.build(
    [passage('Returns', 'Returned bikes are checked.'), passage('Hours', 'Open daily.'), passage('Free', 'Delivery.')],
    'en',
  );
  // "deliver" is stemmed "deliv", "delivery" "deliveri": found as the beginning of the longer word.
  expect(found(index, 'deliver')).toEqual([2]);
  expect(found(index, 'returning')).toEqual([0]);
  expect(found(index, 'checks opening').sort()).toEqual([0, 1]);
  expect(found(index, 'closing')).toEqual([]);
});

test("each language's stemmer folds its words: Spanish, German and English", () => {
  const spanish = KeywordIndex.build(
    [passage('Tienda', 'Vendemos una bicicleta de paseo.'), passage('Horario', 'Abrimos a las 9.')],
    'es',
  );
  expect(found(spanish, 'bicicletas')).toEqual([0]);
  const german = KeywordIndex.build(
    [passage('Versand', 'Jede Lieferung ist versichert.'), passage('Zeiten', 'Wir öffnen um 9.')],
    'de',
  );
  expect(found(german, 'Lieferungen')).toEqual([0]);
  // English's stemmer leaves German words as they are: "Lieferungen" is not "Lieferung" there.
  const english = KeywordIndex.build([passage('Versand', 'Jede Lieferung ist versichert.')], 'en');
  expect(found(english, 'Lieferungen')).toEqual([]);
});

test('passages that score alike keep their order; a search leaves nothing behind for the next', () => {
  const index = KeywordIndex.build(
    [passage('A', 'Gift cards.'), passage('B', 'Repairs.'), passage('A', 'Gift cards.'), passage('C', 'Gifts.')],
    'en',
  );
  const first = index.search('gift cards', 10);
  expect(first.map((hit) => hit.position)).toEqual([0, 2, 3]);
  expect(first[0].score).toBe(first[1].score);
  index.search('repairs', 10);
  expect(index.search('gift cards', 10)).toEqual(first);
  expect(found(index, 'gift cards', 1)).toEqual([0]);
  expect(found(index, '')).toEqual([]);
});

test('saved inside the index file and loaded back, keyword search ranks as the built index did', async () => {
  const documents = { faq: [], passages: SHOP.map((shop, at) => ({ ...shop, id: `p${at}`, source: 'shop.md' })) };
  const built = await KnowledgeIndex.build(documents, undefined, { language: 'en' });
  const dir = mkdtempSync(join(tmpdir(), 'chalkbot-keywords-'));
  made.push(dir);
  await built.save(dir);
  const saved = JSON.parse(readFileSync(join(dir, INDEX_FILE), 'utf8'));
  expect(saved).not.toHaveProperty('orama');
  expect(saved.keywords.fields).toHaveLength(2);
  const loaded = await KnowledgeIndex.load(dir);
  for (const terms of ['bell saddle', 'deliver', 'lights bike', 'pounds']) {
    expect(loaded.search(terms, undefined, 5)).toEqual(built.search(terms, undefined, 5));
    expect(loaded.search(terms, undefined, 5).length).toBeGreaterThan(0);
  }
});

describe('a saved keyword index that does not fit is refused by name', () => {
  let dir: string;
  let saved: { format: number; keywords: SavedKeywords };
  beforeAll(async () => {
    const documents = { faq: [], passages: SHOP.map((shop, at) => ({ ...shop, id: `p${at}`, source: 'shop.md' })) };
    dir = mkdtempSync(join(tmpdir(), 'chalkbot-keywords-'));
    made.push(dir);
    await (await KnowledgeIndex.build(documents)).save(dir);
    saved = JSON.parse(readFileSync(join(dir, INDEX_FILE), 'utf8'));
  });
  const int32s = (values: number[]) => Buffer.from(Int32Array.from(values).buffer).toString('base64');
  const pastTheEnd = () => {
    const passages = new Int32Array(new Uint8Array(Buffer.from(saved.keywords.fields[1].passages, 'base64')).buffer);
    passages[0] = 99;
    return Buffer.from(passages.buffer).toString('base64');
  };
  const withText = (change: Partial<SavedKeywords['fields'][number]>) => ({
    fields: [saved.keywords.fields[0], { ...saved.keywords.fields[1], ...change }],
  });

  test.each([
    ['missing', undefined, /expected 2 fields/],
    ['a field short', { fields: [] }, /expected 2 fields/],
    ['words out of order', () => withText({ words: [...saved.keywords.fields[1].words].reverse() }), /not distinct/],
    ['a passage past the end', () => withText({ passages: pastTheEnd() }), /text passage is outside the 5 passages/],
    ['not base64', () => withText({ lengths: '%%%' }), /text lengths are not base64 int32s/],
    ['lengths for too few passages', () => withText({ lengths: int32s([1, 2]) }), /not one count per passage/],
  ])('%s', async (_, keywords, message) => {
    const broken = { ...saved, keywords: typeof keywords === 'function' ? keywords() : keywords };
    writeFileSync(join(dir, INDEX_FILE), JSON.stringify(broken));
    const error = await KnowledgeIndex.load(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KnowledgeIndexError);
    expect((error as Error).message).toMatch(/the keyword index in .* is malformed \(.*\): rebuild it/);
    expect((error as Error).message).toMatch(message);
    await expect(loadBuiltKnowledge(dir)).resolves.toMatchObject({ problem: expect.stringMatching(message) });
  });

  test("an index in the earlier format, with Orama's saved index, is refused: rebuild it", async () => {
    writeFileSync(join(dir, INDEX_FILE), JSON.stringify({ ...saved, format: 2, keywords: undefined, orama: {} }));
    await expect(KnowledgeIndex.load(dir)).rejects.toThrow(/has format 2, expected 3: rebuild it/);
  });
});
