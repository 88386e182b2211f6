/**
 * Picks the knowledge a turn in a locale answers from. A locale with documents of its own (`knowledge/es_US/`,
 * knowledge-locales.ts) answers from them first, canned answers included, in its language. What they do not
 * cover, and everything in a locale without them, comes from the default locale's (English) documents, through
 * the model: it is given the passages and told to answer in the caller's language, so it translates. A business
 * may translate its FAQ and leave the long documents in English. What is said without a model is never in a
 * language the caller did not choose: no canned FAQ answer and no passage read out in English; when the English
 * documents have an answer, the caller hears, in their own language, that it can only be given in English, with
 * the offer of a person.
 */
import { type BotDefinition, defaultLocale } from '../../../lib/definition/bot';
import type { KnowledgeBase, Lookup } from './knowledge';
import type { Hit } from './search-index';

/** The knowledge as a turn in `locale` may use it. */
export function knowledgeInLanguageOf(locale: BotDefinition, knowledge: KnowledgeBase): KnowledgeBase {
  if (locale.localeId === defaultLocale.localeId) return knowledge;
  const english = throughTheModel(locale, knowledge);
  const own = knowledge.locales?.get(locale.localeId);
  if (!own) return english;
  return {
    problem: own.problem,
    size: { passages: own.size.passages + knowledge.size.passages, faq: own.size.faq },
    async lookUp(question, earlierQuestions, options) {
      const found = await own.lookUp(question, earlierQuestions, options);
      // A canned answer or a passage that fits well enough to read out is the locale's own answer.
      if (found.kind === 'canned' || found.extractive !== undefined) return found;
      const more = await english.lookUp(question, earlierQuestions, options);
      if (more.kind === 'canned') return found;
      return {
        ...found,
        hits: alternate(found.hits, more.hits),
        extractive: more.extractive,
        degraded: found.degraded ?? more.degraded,
      } satisfies Lookup;
    },
  };
}

/** The default locale's knowledge for a caller in another language: passages for the model, never read out. */
function throughTheModel(locale: BotDefinition, knowledge: KnowledgeBase): KnowledgeBase {
  return {
    problem: knowledge.problem,
    size: knowledge.size,
    async lookUp(question, earlierQuestions, options) {
      const found = await knowledge.lookUp(question, earlierQuestions, { ...options, cannedAnswers: false });
      if (found.kind !== 'passages' || found.extractive === undefined) return found;
      return { ...found, extractive: locale.messages.onlyInDefaultLanguage };
    },
  };
}

/** The locale's passages and the English ones, taken in turn, the locale's first: the model sees the best of each. */
function alternate(first: readonly Hit[], second: readonly Hit[]): Hit[] {
  const hits: Hit[] = [];
  for (let at = 0; at < Math.max(first.length, second.length); at++) {
    if (at < first.length) hits.push(first[at]);
    if (at < second.length) hits.push(second[at]);
  }
  return hits;
}
