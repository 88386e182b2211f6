/**
 * Finding what the business knows: canned answers by wording and by meaning, hybrid search (meaning finds
 * paraphrases, keywords find codes and names), questions that lean on the one before, the index saved and
 * loaded as the function loads it, and an honest nothing for what the documents do not cover.
 *
 * The local embedding model loads once for this file (~150 ms on a quiet machine); the other tests of the turn
 * use keyword-only knowledge.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_EMBEDDING_MODELS, embeddingsChoice, LocalEmbeddings } from '../../lambda/src/knowledge/embeddings';
import { buildKnowledge, type Knowledge, loadBuiltKnowledge, searchText } from '../../lambda/src/knowledge/knowledge';
import { KnowledgeIndex, VECTORS_FILE } from '../../lambda/src/knowledge/search-index';
import { INDEX_FILE } from '../../lib/definition/knowledge-index';
import type { Embeddings } from '@langchain/core/embeddings';
import { writeKnowledgeFolder } from './bakery';
import { readKnowledgeFolder } from '../../lambda/src/knowledge/documents';

const choice = { kind: 'local', model: DEFAULT_EMBEDDING_MODELS.local } as const;
const embeddings = new LocalEmbeddings();
let folder: string;
let knowledge: Knowledge;
const made: string[] = [];

beforeAll(async () => {
  folder = writeKnowledgeFolder();
  made.push(folder);
  knowledge = await buildKnowledge(folder, { choice, embeddings });
}, 60_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * Where two files first differ, -1 when their bytes are the same. Jest's toEqual walks a Buffer element by element:
 * over these files it took about 2 s of CPU.
 */
function firstDifference(one: string, other: string): number {
  const [a, b] = [readFileSync(one), readFileSync(other)];
  if (a.equals(b)) return -1;
  const shorter = Math.min(a.length, b.length);
  for (let at = 0; at < shorter; at++) if (a[at] !== b[at]) return at;
  return shorter;
}

test('the caller saying an FAQ wording gets the canned answer, without embedding the question', async () => {
  const spy = jest.spyOn(embeddings, 'embedQuery');
  try {
    await expect(knowledge.lookUp('Um, when are you open?')).resolves.toEqual({
      kind: 'canned',
      faqId: 'what-time-do-you-open',
      answer: 'We open at 7 every morning except Wednesday, and close at 3 in the afternoon.',
      via: 'wording',
    });
    expect(spy).not.toHaveBeenCalled();
  } finally {
    spy.mockRestore();
  }
});

test('a paraphrase of an FAQ question with none of its words gets the canned answer by meaning', async () => {
  await expect(knowledge.lookUp('When are you around?')).resolves.toMatchObject({
    kind: 'canned',
    faqId: 'what-time-do-you-open',
    via: 'meaning',
  });
});

test('a paraphrase finds the passage by meaning, and it is spoken without a model', async () => {
  const found = await knowledge.lookUp('How far ahead must I order a birthday cake?');
  expect(found.kind).toBe('passages');
  if (found.kind !== 'passages') return;
  expect(found.hits[0].passage.heading).toBe('Celebration cakes > Ordering');
  expect(found.hits[0].similarity).toBeGreaterThan(0.5);
  expect(found.extractive).toBe(
    'Order a celebration cake at least four days ahead. A sponge cake for twelve people costs 38 pounds.',
  );
});

test('a code only the documents use is found by keyword', async () => {
  const found = await knowledge.lookUp('Tell me about GF-22');
  expect(found.kind === 'passages' && found.hits[0].passage.id).toBe('allergens.txt#allergens-1');
});

test('a question the documents do not cover finds nothing to speak', async () => {
  const found = await knowledge.lookUp('What is the capital of Peru?');
  expect(found).toMatchObject({ kind: 'passages', extractive: undefined });
});

test('a short question that points back ("that") is searched with the question before it', async () => {
  expect(searchText('And how much does that cost?', ['Do you make birthday cakes?'])).toBe(
    'Do you make birthday cakes? And how much does that cost?',
  );
  expect(searchText('Is there bread for coeliacs?', ['Do you make birthday cakes?'])).toBe(
    'Is there bread for coeliacs?',
  );
  const found = await knowledge.lookUp('And how much does that cost?', ['Do you make birthday cakes?']);
  expect(found.kind === 'passages' && found.hits[0].passage.heading).toBe('Celebration cakes > Ordering');
});

test('saved and loaded as the function loads it, the index answers the same', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chalkbot-index-'));
  made.push(dir);
  await knowledge.index.save(dir);
  const loaded = await loadBuiltKnowledge(dir, { embeddings });
  expect(loaded.problem).toBeUndefined();
  expect(loaded.size).toEqual(knowledge.size);
  for (const question of [
    'When are you around?',
    'How far ahead must I order a birthday cake?',
    'Tell me about GF-22',
  ]) {
    expect(await loaded.lookUp(question)).toEqual(await knowledge.lookUp(question));
  }
});

test('the index reads its vectors while it parses its JSON, and without them says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chalkbot-index-'));
  made.push(dir);
  await knowledge.index.save(dir);
  const readFile = jest.spyOn(fsPromises, 'readFile');
  try {
    const loading = KnowledgeIndex.load(dir);
    // Both reads are under way before either is done.
    expect(readFile.mock.calls.map(([path]) => String(path)).sort()).toEqual(
      [join(dir, INDEX_FILE), join(dir, VECTORS_FILE)].sort(),
    );
    expect((await loading).hasVectors).toBe(true);
  } finally {
    readFile.mockRestore();
  }
  rmSync(join(dir, VECTORS_FILE));
  expect((await loadBuiltKnowledge(dir, { embeddings })).problem).toMatch(/has no readable vectors.f32: ENOENT/);
});

test('a missing or broken index is empty knowledge that says why, never a crash', async () => {
  const missing = await loadBuiltKnowledge('/nonexistent/index');
  expect(missing.problem).toMatch(/no readable knowledge index in \/nonexistent\/index/);
  await expect(missing.lookUp('When are you open?')).resolves.toEqual({
    kind: 'passages',
    hits: [],
    searched: 'When are you open?',
  });

  const dir = mkdtempSync(join(tmpdir(), 'chalkbot-index-'));
  made.push(dir);
  await knowledge.index.save(dir);
  writeFileSync(join(dir, 'vectors.f32'), Buffer.alloc(12));
  expect((await loadBuiltKnowledge(dir, { embeddings })).problem).toMatch(
    /does not match its passages and FAQ: rebuild it/,
  );
  writeFileSync(join(dir, 'vectors.f32'), Buffer.alloc(13));
  expect((await loadBuiltKnowledge(dir, { embeddings })).problem).toMatch(
    /vectors.f32 in .* is not float32s: rebuild it/,
  );
  writeFileSync(join(dir, INDEX_FILE), '{"format": 99}');
  expect((await loadBuiltKnowledge(dir, { embeddings })).problem).toMatch(/has format 99, expected 3/);
});

test('when the question cannot be embedded, keywords still find the passage and the turn hears why', async () => {
  const failing = new LocalEmbeddings();
  jest.spyOn(failing, 'embedQuery').mockRejectedValue(new Error('embedding service down'));
  const degraded = new (knowledge.constructor as typeof Knowledge)(knowledge.index, failing);
  const found = await degraded.lookUp('Tell me about GF-22');
  expect(found).toMatchObject({ kind: 'passages', degraded: expect.stringMatching(/embedding service down/) });
  expect(found.kind === 'passages' && found.hits[0].passage.id).toBe('allergens.txt#allergens-1');
});

test('a keyword-only index (EMBEDDINGS=none) searches without any model', async () => {
  expect(embeddingsChoice('none')).toBeUndefined();
  expect(embeddingsChoice(undefined)).toEqual(choice);
  expect(() => embeddingsChoice('word2vec')).toThrow(/EMBEDDINGS must be one of local, openai, bedrock, none/);
  const keywords = await buildKnowledge(folder);
  expect(keywords.index.hasVectors).toBe(false);
  const found = await keywords.lookUp('birthday cake order');
  expect(found.kind === 'passages' && found.hits[0].passage.heading).toBe('Celebration cakes > Ordering');
});

test('the index is the same whoever builds it: the build and the local call give identical files', async () => {
  const [a, b] = [mkdtempSync(join(tmpdir(), 'chalkbot-index-')), mkdtempSync(join(tmpdir(), 'chalkbot-index-'))];
  made.push(a, b);
  await knowledge.index.save(a);
  await (await buildKnowledge(folder, { choice, embeddings })).index.save(b);
  expect(firstDifference(join(a, INDEX_FILE), join(b, INDEX_FILE))).toBe(-1);
});

describe('a large index scans only the clusters nearest the question', () => {
  const dimensions = 64;
  /** A deterministic random source, so the test sees the same vectors every run. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      return state / 4_294_967_296 - 0.5;
    };
  }
  const next = random(7);
  // 30 topics; each passage is near one of them, as a business's pages on one subject are.
  const topics = Array.from({ length: 30 }, () => Array.from({ length: dimensions }, next));
  const vectors = new Map<string, number[]>();
  const passages = Array.from({ length: 600 }, (_, position) => {
    const text = `Passage ${position} about topic ${position % 30}.`;
    vectors.set(
      text,
      topics[position % 30].map((value) => value + next() * 0.6),
    );
    return { id: `p${position}`, source: 'generated.md', heading: `Topic ${position % 30}`, text };
  });
  const known = {
    embedDocuments: async (texts: string[]) => texts.map((text) => vectors.get(text) ?? []),
    embedQuery: async (text: string) => vectors.get(text) ?? [],
  } as unknown as Embeddings;
  const documents = { faq: [], passages };
  const questions = Array.from({ length: 60 }, (_, at) => topics[(at * 7) % 30].map((value) => value + next() * 0.8));
  const top = (index: KnowledgeIndex, question: number[]) =>
    index.search('', question, 5).map((hit) => [hit.passage.id, hit.similarity?.toFixed(5)]);
  const clusteredBuild = () => KnowledgeIndex.build(documents, { choice, embeddings: known }, { clusteredFrom: 400 });
  let exact: KnowledgeIndex;
  let clustered: KnowledgeIndex;
  beforeAll(async () => {
    exact = await KnowledgeIndex.build(documents, { choice, embeddings: known });
    clustered = await clusteredBuild();
  });

  test('the same passages, with the same similarities, as a scan of every vector', () => {
    const agreeing = questions.filter(
      (question) => JSON.stringify(top(clustered, question)) === JSON.stringify(top(exact, question)),
    );
    // An inverted file may miss a passage far from its cluster's centre; here it misses none of the top 5 for at
    // least 95% of the questions.
    expect(agreeing.length).toBeGreaterThanOrEqual(Math.ceil(questions.length * 0.95));
  });

  test('a search computes the similarity of a fraction of the passages, not of all', () => {
    const spy = jest.spyOn(clustered as unknown as { similarityOf: () => number }, 'similarityOf');
    try {
      clustered.search('', questions[0], 5);
      expect(spy.mock.calls.length).toBeGreaterThan(0);
      // 8 of its 24 clusters here; at 10,000 passages, 12 of 100.
      expect(spy.mock.calls.length).toBeLessThan(passages.length / 2);
    } finally {
      spy.mockRestore();
    }
  });

  test('saved and loaded, it searches the same; the same passages give a byte-identical index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chalkbot-clustered-'));
    const again = mkdtempSync(join(tmpdir(), 'chalkbot-clustered-'));
    made.push(dir, again);
    await clustered.save(dir);
    const loaded = await KnowledgeIndex.load(dir);
    for (const question of questions.slice(0, 10)) expect(top(loaded, question)).toEqual(top(clustered, question));
    await (await clusteredBuild()).save(again);
    expect(firstDifference(join(again, VECTORS_FILE), join(dir, VECTORS_FILE))).toBe(-1);
    expect(firstDifference(join(again, INDEX_FILE), join(dir, INDEX_FILE))).toBe(-1);
  });
});

test('the init warm-up looks questions up with the local model, and sends nothing to a remote one', async () => {
  const local = jest.spyOn(embeddings, 'embedQuery');
  // Vectors made by the local model, but an index that says OpenAI embedded them: the warm-up goes by the index.
  const remoteModel = new LocalEmbeddings();
  const remote = jest.spyOn(remoteModel, 'embedQuery');
  try {
    await knowledge.warmUp();
    // Questions of different lengths, so the model's code is optimized for more than one (knowledge.ts says why).
    const embedded = local.mock.calls.map(([text]) => text.split(' ').length);
    expect(new Set(embedded).size).toBeGreaterThanOrEqual(2);
    const documents = await readKnowledgeFolder(folder);
    const openAiIndex = await KnowledgeIndex.build(documents, {
      choice: { kind: 'openai', model: DEFAULT_EMBEDDING_MODELS.openai },
      embeddings,
    });
    await new (knowledge.constructor as typeof Knowledge)(openAiIndex, remoteModel).warmUp();
    expect(remote).not.toHaveBeenCalled();
  } finally {
    local.mockRestore();
    remote.mockRestore();
  }
});
