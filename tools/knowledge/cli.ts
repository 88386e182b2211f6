/**
 * `npm run knowledge -- ask "<question>" [--knowledge <dir>]`: the passages found for a question, with their
 * scores, and what the bot would say without a model.
 * `npm run knowledge -- eval <file.json> [--knowledge <dir>]`: for `[{ "q": "...", "fact": ["..."] }]`, how often
 * the top 3 passages hold one of the facts, and how often the answer spoken without a model does.
 *
 * The folder is indexed as the build indexes it (EMBEDDINGS picks the model; none: keywords only).
 * `--locale es_US` asks as a caller in that locale: from knowledge/es_US/ when it exists, else as the turn does
 * (the English passages, for the model; without a model, "I can only answer that in English").
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { botLocales, defaultLocale, findLocale } from '../../lib/definition/bot';
import type { Passage } from '../../lambda/src/knowledge/documents';
import { embeddingsChoice, EMBEDDINGS_ENV } from '../../lambda/src/knowledge/embeddings';
import { buildKnowledge, type KnowledgeBase, type Lookup } from '../../lambda/src/knowledge/knowledge';
import { knowledgeInLanguageOf } from '../../lambda/src/knowledge/knowledge-language';
import { DEFAULT_VECTOR_CACHE_DIR } from '../../lambda/src/knowledge/vector-cache';
import { DEFAULT_KNOWLEDGE_DIR } from '../../local/call-options';

const USAGE = `Usage:
  npm run knowledge -- ask "<question>" [--knowledge <dir>] [--locale <id>]
  npm run knowledge -- eval <file.json> [--knowledge <dir>] [--locale <id>]

ask prints the passages found for a question, with their scores, and the answer the bot speaks without a model.
eval reads [{ "q": "...", "fact": ["..."] }] and reports how often the top 3 passages hold a fact, and how often
the answer spoken without a model does. The folder defaults to knowledge/; EMBEDDINGS=none searches keywords only.
--locale asks as a caller in that locale (${botLocales.map((locale) => locale.localeId).join(', ')}), from the folder's
<locale id>/ subfolder when there is one.`;

interface EvalCase {
  readonly q: string;
  readonly fact: readonly string[];
}

/** What the bot would say without a model: the canned answer, else the best passage when it fits. */
function spokenWithoutModel(found: Lookup): string | undefined {
  return found.kind === 'canned' ? found.answer : found.extractive;
}

function passagesOf(found: Lookup, passages: readonly Passage[]) {
  if (found.kind === 'passages') return found.hits;
  const passage = passages.find((candidate) => candidate.faqId === found.faqId);
  return passage ? [{ passage, score: 1, keyword: 0 }] : [];
}

/** Where the CLI writes: the terminal, or a test's lines. */
export interface KnowledgeCliIo {
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where passage vectors are kept between runs. */
  readonly vectorCacheDir: string;
}

const TERMINAL: KnowledgeCliIo = {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
  env: process.env,
  vectorCacheDir: DEFAULT_VECTOR_CACHE_DIR,
};

/** The knowledge a caller in one locale asks, with the passages its canned answers come from. */
interface AskedKnowledge {
  readonly knowledge: KnowledgeBase;
  readonly passages: readonly Passage[];
}

async function ask({ knowledge, passages }: AskedKnowledge, question: string, io: KnowledgeCliIo): Promise<void> {
  const found = await knowledge.lookUp(question);
  if (found.kind === 'canned') io.log(`Canned FAQ answer (matched by ${found.via}): ${found.faqId}`);
  for (const hit of passagesOf(found, passages).slice(0, 3)) {
    const similarity =
      'similarity' in hit && hit.similarity !== undefined ? ` similarity ${hit.similarity.toFixed(2)}` : '';
    io.log(
      `${hit.score.toFixed(2)}  ${hit.passage.heading} (${hit.passage.id})${similarity} keyword ${hit.keyword.toFixed(2)}`,
    );
    io.log(`      ${hit.passage.text}`);
  }
  io.log(
    `Spoken without a model: ${spokenWithoutModel(found) ?? "(nothing fits: I don't know that; shall I get you a person?)"}`,
  );
}

async function evaluate({ knowledge, passages }: AskedKnowledge, file: string, io: KnowledgeCliIo): Promise<void> {
  const cases = JSON.parse(readFileSync(file, 'utf8')) as EvalCase[];
  let inTop3 = 0;
  let spoken = 0;
  const holds = (text: string | undefined, facts: readonly string[]) =>
    text !== undefined && facts.some((fact) => text.includes(fact));
  for (const { q, fact } of cases) {
    const found = await knowledge.lookUp(q);
    const top3 = passagesOf(found, passages)
      .slice(0, 3)
      .some((hit) => holds(hit.passage.text, fact));
    const said = holds(spokenWithoutModel(found), fact);
    inTop3 += Number(top3);
    spoken += Number(said);
    io.log(`${top3 ? 'top3' : '    '} ${said ? 'spoken' : '      '}  ${q}`);
  }
  const share = (count: number) =>
    `${count}/${cases.length} (${Math.round((100 * count) / Math.max(1, cases.length))}%)`;
  io.log(`Top 3 passages hold a fact: ${share(inTop3)}`);
  io.log(`Answer spoken without a model holds a fact: ${share(spoken)}`);
}

/** Runs the CLI; resolves to its exit code (0, or 2 for a usage error); rejects when the folder cannot be read. */
export async function main(argv: readonly string[], io: KnowledgeCliIo = TERMINAL): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { knowledge: { type: 'string' }, locale: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, argument] = positionals;
  if (values.help) {
    io.log(USAGE);
    return 0;
  }
  const locale = values.locale === undefined ? defaultLocale : findLocale(values.locale);
  if ((command !== 'ask' && command !== 'eval') || !argument || positionals.length > 2 || !locale) {
    io.error(USAGE);
    return 2;
  }
  const dir = resolve(values.knowledge ?? DEFAULT_KNOWLEDGE_DIR);
  const built = await buildKnowledge(dir, {
    choice: embeddingsChoice(io.env[EMBEDDINGS_ENV]),
    vectorCacheDir: io.vectorCacheDir,
  });
  const own = locale === defaultLocale ? built : built.locales.get(locale.localeId);
  if (!own) io.log(`No ${locale.localeId}/ folder: a caller in ${locale.languageName} is answered from the English.`);
  const asked = { knowledge: knowledgeInLanguageOf(locale, built), passages: (own ?? built).index.passages };
  if (command === 'ask') await ask(asked, argument, io);
  else await evaluate(asked, resolve(argument), io);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
