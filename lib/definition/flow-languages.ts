/**
 * The flow's language placeholders (`${LINE:…}`, `${VOICE:<locale>}`, `${LANGUAGE_MENU}`, `${MENU_KEY:…}`,
 * `${DEFAULT_LOCALE}`), resolved from the bot definition, so the flow file holds no spoken line of its own and a
 * changed line or voice reaches the deployed flow, an imported flow and the local call alike.
 *
 * The flow file still has one branch per language (keypad condition, voice, language code): the flow language has
 * no lookup table. test/infra/flow-languages.test.ts fails when a locale of the definition has no branch.
 *
 * Pure data.
 */
import { botLocales, defaultLocale, type FlowLines, findLocale } from './bot';
import { PLACEHOLDERS, type PlaceholderUse } from './placeholders';

/** The contact attributes the flow's language branches set and read. */
export const FLOW_ATTRIBUTES = {
  /** The locale id a branch chose, e.g. es_US. */
  language: 'language',
  /** The number's default language (`${DEFAULT_LOCALE}`), compared when no key is pressed. */
  defaultLanguage: 'defaultLanguage',
} as const;

export interface LanguageSettings {
  /** The deployment's `voice` setting: the default locale's voice. */
  readonly voice: string;
  /** The deployment's `defaultLanguage` setting: the locale of a caller who presses nothing. */
  readonly defaultLocale: string;
}

/** What the keypad menu says: each locale's offer in its own language, the default first. */
export function languageMenuText(): string {
  return botLocales.map((locale) => locale.menu.offer).join(' ');
}

/** A language placeholder's value, or undefined for one that is not a language placeholder (or names nothing). */
export function resolveLanguagePlaceholder(use: PlaceholderUse, settings: LanguageSettings): string | undefined {
  switch (use.name) {
    case PLACEHOLDERS.voice: {
      if (use.argument === undefined) return settings.voice;
      const locale = findLocale(use.argument);
      return locale === defaultLocale ? settings.voice : locale?.voice.id;
    }
    case PLACEHOLDERS.line: {
      const [localeId, key] = (use.argument ?? '').split(':');
      const lines = findLocale(localeId)?.flow;
      return lines && Object.hasOwn(lines, key) ? lines[key as keyof FlowLines] : undefined;
    }
    case PLACEHOLDERS.languageMenu:
      return languageMenuText();
    case PLACEHOLDERS.menuKey:
      return findLocale(use.argument)?.menu.key;
    case PLACEHOLDERS.defaultLocale:
      return settings.defaultLocale;
    default:
      return undefined;
  }
}
