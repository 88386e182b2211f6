/**
 * Knowledge per locale: a locale subfolder (`es_US/`, `de_DE/`) is indexed on its own with its language's
 * stemmer, saved beside the default index, loaded back, and answers in its language.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INDEX_FILE } from '../../lib/definition/knowledge-index';
import { KnowledgeFolderError, readKnowledgeFolder } from '../../lambda/src/knowledge/documents';
import {
  buildKnowledge,
  type KnowledgeBase,
  loadBuiltKnowledge,
  searchText,
} from '../../lambda/src/knowledge/knowledge';
import { embeddingsForLanguage } from '../../lambda/src/knowledge/knowledge-locales';
import { KnowledgeIndex } from '../../lambda/src/knowledge/search-index';
import { buildKnowledgeIndex } from '../../scripts/build-knowledge';
import { BAKERY, BAKERY_GERMAN, BAKERY_SPANISH, writeKnowledgeFolder } from './bakery';

const folders: string[] = [];
const folderOf = (files: Readonly<Record<string, string>>) => {
  const dir = writeKnowledgeFolder(files);
  folders.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

test('a folder with es_US and de_DE subfolders builds three indexes, which load back from beside each other', async () => {
  const source = folderOf({ ...BAKERY, ...BAKERY_SPANISH, ...BAKERY_GERMAN });
  const out = await mkdtemp(join(tmpdir(), 'chalkbot-locale-build-'));
  folders.push(out);
  const summary = await buildKnowledgeIndex({ source, outDir: out, embeddings: 'none' });
  expect(summary).toMatch(/3 FAQ questions .* 1 FAQ questions and 2 passages in es_US .* in de_DE/);

  const indexDir = join(out, 'knowledge-index');
  expect((await readdir(indexDir)).sort()).toEqual(['de_DE', 'es_US', INDEX_FILE]);
  expect(await readdir(join(indexDir, 'es_US'))).toEqual([INDEX_FILE]);
  expect((await KnowledgeIndex.load(join(indexDir, 'de_DE'))).language).toBe('de');

  const loaded = await loadBuiltKnowledge(indexDir);
  expect(loaded.problem).toBeUndefined();
  expect([...(loaded.locales?.keys() ?? [])]).toEqual(['es_US', 'de_DE']);
  // The default index holds only the English documents: the locale folders are not read into it.
  expect(loaded.size).toEqual({ faq: 3, passages: 6 });
  await expect(loaded.locales?.get('es_US')?.lookUp('¿Cuál es su horario?')).resolves.toMatchObject({
    kind: 'canned',
    answer: expect.stringMatching(/^Abrimos a las 7/),
  });
  await expect(loaded.locales?.get('de_DE')?.lookUp('Wie sind Ihre Öffnungszeiten?')).resolves.toMatchObject({
    kind: 'canned',
    answer: expect.stringMatching(/^Wir öffnen/),
  });
});

test("a locale's index that will not load leaves that locale on the default knowledge, and says why", async () => {
  const source = folderOf({ ...BAKERY, ...BAKERY_SPANISH });
  const out = await mkdtemp(join(tmpdir(), 'chalkbot-locale-broken-'));
  folders.push(out);
  await buildKnowledgeIndex({ source, outDir: out, embeddings: 'none' });
  await rm(join(out, 'knowledge-index', 'es_US', INDEX_FILE));
  const loaded = await loadBuiltKnowledge(join(out, 'knowledge-index'));
  expect(loaded.locales?.has('es_US')).toBe(false);
  expect(loaded.problem).toMatch(/^es_US: no readable knowledge index/);
  expect(loaded.size.faq).toBe(3);
});

test.each([
  ['es', /"es" is not a locale the bot speaks; name a language's folder by its locale id: es_US, de_DE/],
  ['fr_FR', /"fr_FR" is not a locale the bot speaks/],
  ['en_US', /en_US is the default locale, whose documents are the folder itself/],
])('a knowledge folder named %s is refused with the locale ids it could be', async (name, message) => {
  const source = folderOf({ ...BAKERY, [`${name}/faq.md`]: '### ¿Qué?\n\nNada.' });
  const built = buildKnowledge(source);
  await expect(built).rejects.toThrow(KnowledgeFolderError);
  await expect(built).rejects.toThrow(message);
});

test('a subfolder not named like a locale is still part of the default documents', async () => {
  const source = folderOf({ ...BAKERY, 'policies/returns.md': '# Returns\n\nBread cannot be returned.' });
  const knowledge = await buildKnowledge(source);
  expect(knowledge.locales.size).toBe(0);
  expect((await readKnowledgeFolder(source)).passages.map(({ source: file }) => file)).toContain('policies/returns.md');
});

describe("keyword search stems the locale's language", () => {
  // Orama matches a searched word as a prefix of an indexed one, so only an inflected form longer than the one
  // in the text ("pasteles" for "pastel", "Lieferungen" for "Lieferung") needs the stemmer to be found.
  const cases = [
    ['es_US', BAKERY_SPANISH, '¿Hacen decoraciones?', 'decoraciones', /^Decoramos el pastel/],
    ['de_DE', BAKERY_GERMAN, 'Machen Sie Lieferungen?', 'Lieferungen', /^Eine Lieferung/],
  ] as const;

  test.each(cases)('in %s, an inflected form finds the passage', async (localeId, files, question, _, passage) => {
    const knowledge = await buildKnowledge(folderOf({ ...BAKERY, ...files }));
    const found = await knowledge.locales.get(localeId)?.lookUp(question);
    expect(found?.kind).toBe('passages');
    if (found?.kind !== 'passages') return;
    expect(found.hits[0]?.passage.text).toMatch(passage);
  });

  test.each(cases)('in %s, the English stemmer would not have found it', async (localeId, files, _, inflected) => {
    const documents = await readKnowledgeFolder(join(folderOf(files), localeId));
    expect((await KnowledgeIndex.build(documents)).search(inflected, undefined, 5)).toEqual([]);
    const own = await KnowledgeIndex.build(documents, undefined, { language: localeId === 'es_US' ? 'es' : 'de' });
    expect(own.search(inflected, undefined, 5)).toHaveLength(1);
  });
});

test('the English-only local embedding model is not used for another language; remote models are', () => {
  const local = { kind: 'local', model: 'use-lite' } as const;
  const openai = { kind: 'openai', model: 'text-embedding-3-small' } as const;
  expect(embeddingsForLanguage('en', local)).toBe(local);
  expect(embeddingsForLanguage('es', local)).toBeUndefined();
  expect(embeddingsForLanguage('de', openai)).toBe(openai);
});

describe("questions are read with the locale's small words", () => {
  let spanish: KnowledgeBase | undefined;
  let german: KnowledgeBase | undefined;
  beforeAll(async () => {
    const knowledge = await buildKnowledge(folderOf({ ...BAKERY, ...BAKERY_SPANISH, ...BAKERY_GERMAN }));
    spanish = knowledge.locales.get('es_US');
    german = knowledge.locales.get('de_DE');
  });

  test.each([
    ['es_US', 'Hola, ¿me puede decir cuál es su horario, por favor?', /^Abrimos/],
    ['es_US', 'a que hora abren', /^Abrimos/],
    ['de_DE', 'Hallo, wie sind denn Ihre Öffnungszeiten?', /^Wir öffnen/],
    ['de_DE', 'Wann haben Sie denn geöffnet, bitte?', /^Wir öffnen/],
  ])('in %s, "%s" is the FAQ question, fillers and accents aside', async (localeId, question, answer) => {
    const found = await (localeId === 'es_US' ? spanish : german)?.lookUp(question);
    expect(found).toMatchObject({ kind: 'canned', answer: expect.stringMatching(answer) });
  });

  test('a content word the FAQ question does not have is no canned answer', async () => {
    await expect(spanish?.lookUp('¿Cuál es su horario de entregas?')).resolves.toMatchObject({ kind: 'passages' });
  });

  test.each([
    ['es_US', '¿Hacen decoraciones de pasteles?', /^Decoramos el pastel/],
    ['de_DE', 'Was kostet eine Lieferung?', /^Eine Lieferung/],
  ])('in %s, without a model, "%s" is answered with the passage', async (localeId, question, passage) => {
    const found = await (localeId === 'es_US' ? spanish : german)?.lookUp(question);
    expect(found).toMatchObject({ kind: 'passages', extractive: expect.stringMatching(passage) });
  });

  test('a Spanish follow-up that points back is searched with the question before it', () => {
    expect(searchText('¿Y cuánto cuesta eso?', ['¿Hacen decoraciones?'], 'es')).toBe(
      '¿Hacen decoraciones? ¿Y cuánto cuesta eso?',
    );
    expect(searchText('¿Venden bicicletas eléctricas?', ['¿Hacen decoraciones?'], 'es')).toBe(
      '¿Venden bicicletas eléctricas?',
    );
  });
});
