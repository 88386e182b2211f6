/**
 * Picks the knowledge a turn in a locale answers from. A locale with documents of its own (`knowledge/es_US/`,
 * knowledge-locales.ts) answers from them, canned answers included, in its language. A locale without them gets
 * the default locale's (English) knowledge, through the model: it is given the passages and told to answer in the
 * caller's language, so it translates. What is said without a model is never in a language the caller did not
 * choose: no canned FAQ answer and no passage read out in English; when the documents have an answer, the caller
 * hears, in their own language, that it can only be given in English, with the offer of a person.
 */
import { type BotDefinition, defaultLocale } from '../../../lib/definition/bot';
import type { KnowledgeBase } from './knowledge';

/** The knowledge as a turn in `locale` may use it. */
export function knowledgeInLanguageOf(locale: BotDefinition, knowledge: KnowledgeBase): KnowledgeBase {
  if (locale.localeId === defaultLocale.localeId) return knowledge;
  const own = knowledge.locales?.get(locale.localeId);
  if (own) return own;
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
