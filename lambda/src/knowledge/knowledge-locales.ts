/**
 * Knowledge in more than one language. `knowledge/` holds the default locale's documents (English); a subfolder
 * named by a Lex locale id holds another locale's, in its language: `knowledge/es_US/faq.md`,
 * `knowledge/de_DE/returns.md`. The build indexes each into its own folder beside the default index
 * (`knowledge-index/es_US/`), with the keyword stemmer of its language; the function loads them all at init.
 *
 * Folders are named by the Lex locale id (`es_US`), not by the language (`es`): it is the id the bot, the flow and
 * the turn already use, so nothing maps one to the other, and two locales of one language (es_US, es_ES, which
 * say things differently) can each have their own. A folder named like a locale the bot does not speak (`es`,
 * `fr_FR`) is refused at build time with the ids it could be, rather than silently left out.
 */
import { readdir } from 'node:fs/promises';
import { type BotDefinition, botLocales, defaultLocale } from '../../../lib/definition/bot';
import { KnowledgeFolderError, LOCALE_FOLDER } from './documents';
import type { EmbeddingsChoice } from './embeddings';
import { type KeywordLanguage, keywordLanguage } from './keyword-index';

export interface KnowledgeLocale {
  readonly locale: BotDefinition;
  /** The subfolder's name: the locale id. */
  readonly folder: string;
  readonly language: KeywordLanguage;
}

/** The locales other than the default that a knowledge folder has documents for, in the bot's order. */
export async function knowledgeLocalesIn(dir: string): Promise<KnowledgeLocale[]> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries.filter((entry) => entry.isDirectory() && isLocaleFolderName(entry.name)).map(({ name }) => name);
  } catch (error) {
    throw new KnowledgeFolderError(`cannot read the knowledge folder ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const others = botLocales.filter((locale) => locale.localeId !== defaultLocale.localeId);
  for (const name of names) {
    if (others.some((locale) => locale.localeId === name)) continue;
    const ids = others.map((locale) => locale.localeId).join(', ');
    const why =
      name === defaultLocale.localeId
        ? `${defaultLocale.localeId} is the default locale, whose documents are the folder itself`
        : `"${name}" is not a locale the bot speaks`;
    throw new KnowledgeFolderError(`${dir}/${name}: ${why}; name a language's folder by its locale id: ${ids}`);
  }
  return others
    .filter((locale) => names.includes(locale.localeId))
    .map((locale) => ({ locale, folder: locale.localeId, language: languageOf(locale) }));
}

/** Locale folders of a built index: those the build wrote for locales the bot still speaks. */
export async function builtLocalesIn(indexDir: string): Promise<KnowledgeLocale[]> {
  const entries = await readdir(indexDir, { withFileTypes: true }).catch(() => []);
  const folders = new Set(entries.filter((entry) => entry.isDirectory()).map(({ name }) => name));
  return botLocales
    .filter((locale) => locale.localeId !== defaultLocale.localeId && folders.has(locale.localeId))
    .map((locale) => ({ locale, folder: locale.localeId, language: languageOf(locale) }));
}

/**
 * How a locale's passages are embedded. The local model (Universal Sentence Encoder lite) was trained on English
 * only: its vectors of Spanish or German sentences are not worth searching, so another language's index is then
 * keyword-only. OpenAI's and Bedrock's models are multilingual and embed every language.
 */
export function embeddingsForLanguage(
  language: KeywordLanguage,
  choice: EmbeddingsChoice | undefined,
): EmbeddingsChoice | undefined {
  return choice?.kind === 'local' && language !== keywordLanguage(defaultLocale.languageCode) ? undefined : choice;
}

function isLocaleFolderName(name: string): boolean {
  return LOCALE_FOLDER.test(name) || botLocales.some((locale) => locale.localeId === name);
}

function languageOf(locale: BotDefinition): KeywordLanguage {
  const language = keywordLanguage(locale.languageCode);
  if (!language) {
    throw new KnowledgeFolderError(
      `keyword search has no stemmer for ${locale.languageName} (${locale.languageCode}): add one to ` +
        'KEYWORD_LANGUAGES in lambda/src/knowledge/keyword-index.ts',
    );
  }
  return language;
}
