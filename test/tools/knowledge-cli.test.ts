/**
 * `npm run knowledge -- ask|eval` end to end on a knowledge folder the test writes: the folder is indexed as the
 * build indexes it (the local embedding model, or keywords only with EMBEDDINGS=none), and what a business reads
 * is printed. In process through the CLI's main, and once as the command a person types.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localeDefinition } from '../../lib/definition/bot';
import { main } from '../../tools/knowledge/cli';
import { BAKERY, BAKERY_SPANISH, writeKnowledgeFolder } from '../knowledge/bakery';

const root = join(__dirname, '..', '..');
let folder: string;
let scratch: string;
let evalFile: string;
beforeAll(() => {
  folder = writeKnowledgeFolder();
  scratch = mkdtempSync(join(tmpdir(), 'chalkbot-knowledge-cli-'));
  evalFile = join(scratch, 'eval.json');
  writeFileSync(
    evalFile,
    JSON.stringify([
      { q: 'What are your opening hours?', fact: ['open at 7'] },
      { q: 'How far ahead must I order a birthday cake?', fact: ['four days ahead'] },
      { q: 'Is your bread safe for someone with a sesame allergy?', fact: ['sesame'] },
      { q: 'Do you repair bicycles?', fact: ['puncture'] },
    ]),
  );
});
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs the CLI in process; what it printed, and its exit code. */
async function knowledgeCli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    log: (line) => out.push(line),
    error: (line) => err.push(line),
    env,
    vectorCacheDir: join(scratch, 'vectors'),
  });
  return { code, out, err };
}

test('ask: an FAQ question is a canned answer, spoken as the FAQ says it', async () => {
  const { code, out } = await knowledgeCli(['ask', 'When are you open?', '--knowledge', folder]);
  expect(code).toBe(0);
  expect(out[0]).toMatch(/^Canned FAQ answer \(matched by wording\): what-time-do-you-open$/);
  expect(out.at(-1)).toBe(
    'Spoken without a model: We open at 7 every morning except Wednesday, and close at 3 in the afternoon.',
  );
});

test('ask: a paraphrase finds its passage by meaning, with scores, and a question the folder cannot answer says so', async () => {
  const cake = await knowledgeCli(['ask', 'How far ahead must I order a birthday cake?', '--knowledge', folder]);
  expect(cake.out[0]).toMatch(
    /^\d\.\d\d {2}Celebration cakes > Ordering \(cakes\.md#.+\) similarity \d\.\d\d keyword \d\.\d\d$/,
  );
  expect(cake.out[1]).toContain('at least four days ahead');

  const bikes = await knowledgeCli(['ask', 'Do you repair bicycles?', '--knowledge', folder]);
  expect(bikes.out.at(-1)).toBe("Spoken without a model: (nothing fits: I don't know that; shall I get you a person?)");
});

test('eval: how often the top 3 passages and the answer spoken without a model hold a fact, hybrid and keywords only', async () => {
  const hybrid = await knowledgeCli(['eval', evalFile, '--knowledge', folder]);
  expect(hybrid.code).toBe(0);
  expect(hybrid.out).toHaveLength(6);
  expect(hybrid.out[0]).toBe('top3 spoken  What are your opening hours?');
  expect(hybrid.out[1]).toMatch(/^top3 .{6} {2}How far ahead must I order a birthday cake\?$/);
  expect(hybrid.out[3]).toBe('             Do you repair bicycles?');
  expect(hybrid.out[4]).toMatch(/^Top 3 passages hold a fact: 3\/4 \(75%\)$/);
  expect(hybrid.out[5]).toMatch(/^Answer spoken without a model holds a fact: [1-3]\/4 \(\d+%\)$/);

  const keywords = await knowledgeCli(['eval', evalFile, '--knowledge', folder], { EMBEDDINGS: 'none' });
  expect(keywords.out[0]).toBe('top3 spoken  What are your opening hours?');
  expect(keywords.out[4]).toMatch(/^Top 3 passages hold a fact: [0-3]\/4 \(\d+%\)$/);
});

test('a wrong command prints the usage (exit 2); a folder that is not there is named', async () => {
  const wrong = await knowledgeCli(['search', 'cakes']);
  expect(wrong.code).toBe(2);
  expect(wrong.err.join('\n')).toMatch(/Usage:\n {2}npm run knowledge -- ask/);
  await expect(knowledgeCli(['ask', 'hours?', '--knowledge', join(scratch, 'missing')])).rejects.toThrow(
    /cannot read the knowledge folder .*missing/,
  );
});

test('the command a person types: npm run knowledge -- ask, keywords only', () => {
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const run = spawnSync(
    process.execPath,
    [tsx, join(root, 'tools', 'knowledge', 'cli.ts'), 'ask', 'When are you open?', '--knowledge', folder],
    { cwd: root, encoding: 'utf8', env: { ...process.env, EMBEDDINGS: 'none' }, timeout: 60_000 },
  );
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('Spoken without a model: We open at 7 every morning');
});

test('--locale asks as a caller in that locale: from its own folder, else from the English as the turn would', async () => {
  const bilingual = writeKnowledgeFolder({ ...BAKERY, ...BAKERY_SPANISH });
  try {
    const args = ['ask', '¿Cuál es su horario?', '--knowledge', bilingual, '--locale'];
    const spanish = await knowledgeCli([...args, 'es_US'], { EMBEDDINGS: 'none' });
    expect(spanish.out[0]).toBe('Canned FAQ answer (matched by wording): a-que-hora-abren');
    expect(spanish.out.at(-1)).toMatch(/^Spoken without a model: Abrimos a las 7/);

    const german = await knowledgeCli(['ask', 'When are you open?', '--knowledge', bilingual, '--locale', 'de_DE'], {
      EMBEDDINGS: 'none',
    });
    expect(german.out[0]).toBe('No de_DE/ folder: a caller in German is answered from the English.');
    expect(german.out.at(-1)).toBe(
      `Spoken without a model: ${localeDefinition('de_DE').messages.onlyInDefaultLanguage}`,
    );

    const unknown = await knowledgeCli([...args, 'fr_FR']);
    expect(unknown.code).toBe(2);
  } finally {
    rmSync(bilingual, { recursive: true, force: true });
  }
});
