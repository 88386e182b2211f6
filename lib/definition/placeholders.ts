/**
 * Named placeholders in the flow files of `contact-flows/`. A flow in the repo never holds an
 * instance-specific value (an ARN, an id, an account or a region); it holds one of these, and the stack (at
 * deploy time) or the flow script (on import) puts the real value back. Export does the reverse.
 *
 * Grammar: `${NAME}` or `${NAME:argument}`, NAME in capitals and underscores, e.g. `${LEX_BOT_ALIAS_ARN}` or
 * `${QUEUE_ARN:Chalkbot support}`. Connect's own references start with `$.` and never clash with these.
 */
export const PLACEHOLDER_PATTERN = /\$\{([A-Z][A-Z0-9_]*)(?::([^}]*))?\}/g;

/** The placeholders our flows use. */
export const PLACEHOLDERS = {
  /** ARN of the Lex V2 bot alias the flow hands the caller to. */
  lexBotAliasArn: 'LEX_BOT_ALIAS_ARN',
  /** ARN of a queue, by name: `${QUEUE_ARN:<queue name>}`. */
  queueArn: 'QUEUE_ARN',
  /**
   * Polly voice id: `${VOICE}` is the deployment's `voice` setting (the default language's voice);
   * `${VOICE:<localeId>}` a locale's voice from the bot definition (the default locale's is the setting too).
   */
  voice: 'VOICE',
  // The bot's languages, from lib/definition (see flow-languages.ts).
  /** A flow line in a locale: `${LINE:<localeId>:<key of FlowLines>}`. */
  line: 'LINE',
  /** The keypad language menu: every locale's offer, in its own language. */
  languageMenu: 'LANGUAGE_MENU',
  /** The keypad key that picks a locale: `${MENU_KEY:<localeId>}`. */
  menuKey: 'MENU_KEY',
  /** The locale of a caller who presses nothing (a deployment setting: the number's default language). */
  defaultLocale: 'DEFAULT_LOCALE',
  // Instance resources by name; the flow script (tools/flows) maps ARN ↔ name on export and import.
  /** ARN of a Lambda function, by function name: `${LAMBDA_ARN:<function name>}`. */
  lambdaArn: 'LAMBDA_ARN',
  /** ARN of a prompt, by name: `${PROMPT_ARN:<prompt name>}`. */
  promptArn: 'PROMPT_ARN',
  /** ARN of another flow, by name: `${FLOW_ARN:<flow name>}`. */
  flowArn: 'FLOW_ARN',
  /** ARN of a flow module, by name: `${FLOW_MODULE_ARN:<module name>}`. */
  flowModuleArn: 'FLOW_MODULE_ARN',
  /** ARN of hours of operation, by name: `${HOURS_ARN:<hours name>}`. */
  hoursArn: 'HOURS_ARN',
} as const;

export interface PlaceholderUse {
  readonly text: string;
  readonly name: string;
  readonly argument?: string;
}

/** Every placeholder in a string, in order. */
export function findPlaceholders(text: string): PlaceholderUse[] {
  return [...text.matchAll(PLACEHOLDER_PATTERN)].map((m) => ({ text: m[0], name: m[1], argument: m[2] }));
}

/**
 * Replaces every placeholder through `resolve`. A placeholder that `resolve` leaves unresolved (returns
 * undefined) is an error naming it, so a flow never reaches Connect half-filled.
 */
export function resolvePlaceholders(text: string, resolve: (use: PlaceholderUse) => string | undefined): string {
  const missing: string[] = [];
  const out = text.replace(PLACEHOLDER_PATTERN, (whole, name: string, argument?: string) => {
    const value = resolve({ text: whole, name, argument });
    if (value === undefined) {
      missing.push(whole);
      return whole;
    }
    return value;
  });
  if (missing.length > 0) throw new Error(`Unresolved flow placeholders: ${[...new Set(missing)].join(', ')}`);
  return out;
}
