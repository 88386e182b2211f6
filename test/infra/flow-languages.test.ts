/**
 * The inbound flow against the bot definition: every locale has its branch (keypad key, lines, voice, language
 * code, mid-call switch, default language), and the flow's words come from the definition when it is deployed.
 * Adding a locale to the definition without its branch fails here, naming what is missing.
 */
import { botLocales, type FlowLines } from '../../lib/definition/bot';
import { renderFlowContent } from '../../lib/bot/inbound-flow';
import { type FlowAction, type FlowContent, INBOUND_FLOW_FILE, readFlowFile } from '../../lib/flow/flow-file';
import { buildTestApp } from './synth';

const flow = readFlowFile(INBOUND_FLOW_FILE);
const actions = new Map(flow.Content.Actions.map((action) => [action.Identifier, action]));
const conditionsOf = (id: string) =>
  (actions.get(id)?.Transitions.Conditions ?? []).map((c) => [c.Condition.Operands[0], c.NextAction] as const);

describe.each(botLocales.map((locale) => [locale.localeId, locale] as const))(
  'the flow speaks %s',
  (localeId, locale) => {
    test('its branch sets the language attribute and every flow line from the definition', () => {
      const branch = actions.get(`use-${localeId}`);
      expect(branch?.Type).toBe('UpdateContactAttributes');
      const attributes = branch?.Parameters.Attributes as Record<string, string>;
      expect(attributes.language).toBe(localeId);
      for (const key of Object.keys(locale.flow) as (keyof FlowLines)[]) {
        expect(Object.values(attributes)).toContain(`\${LINE:${localeId}:${key}}`);
      }
    });

    test('then its voice and language code, then the bot', () => {
      const voice = actions.get(branchNext(`use-${localeId}`));
      expect(voice).toMatchObject({
        Type: 'UpdateContactTextToSpeechVoice',
        Parameters: { TextToSpeechVoice: `\${VOICE:${localeId}}` },
      });
      const language = actions.get(branchNext(voice!.Identifier));
      expect(language).toMatchObject({ Type: 'UpdateContactData', Parameters: { LanguageCode: locale.languageCode } });
      expect(language?.Transitions.NextAction).toBe('talk-to-bot');
    });

    test('the keypad key, the default language and a switch mid-call all lead to the branch', () => {
      expect(conditionsOf('language-menu')).toContainEqual([`\${MENU_KEY:${localeId}}`, `use-${localeId}`]);
      expect(conditionsOf('use-default-language')).toContainEqual([localeId, `use-${localeId}`]);
      expect(conditionsOf('check-next-action')).toContainEqual([`language:${localeId}`, `use-${localeId}`]);
    });
  },
);

function branchNext(id: string): string {
  return actions.get(id)?.Transitions.NextAction ?? '';
}

test("the menu times out into the number's default language, and a key it does not offer too", () => {
  const menu = actions.get('language-menu') as FlowAction;
  expect(menu.Type).toBe('GetParticipantInput');
  expect(Number(menu.Parameters.InputTimeLimitSeconds)).toBeLessThanOrEqual(5);
  expect(menu.Transitions.Errors).toEqual(
    expect.arrayContaining(
      ['InputTimeLimitExceeded', 'NoMatchingCondition', 'NoMatchingError'].map((ErrorType) => ({
        NextAction: 'use-default-language',
        ErrorType,
      })),
    ),
  );
  // The default language is the deployment setting; one it does not know falls back to English.
  expect(actions.get('remember-default-language')?.Parameters.Attributes).toEqual({
    defaultLanguage: '${DEFAULT_LOCALE}',
  });
  expect(actions.get('use-default-language')?.Transitions.NextAction).toBe('use-en_US');
});

test("deployed, the flow holds the definition's lines and voices and the defaultLanguage setting", () => {
  const content = JSON.parse(
    renderFlowContent(flow, {
      lexBotAliasArn: 'arn:aws:lex:us-east-1:123456789012:bot-alias/BOTID12345/ALIASID123',
      queueArnsByName: { 'Chalkbot support': 'arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-1' },
      voice: 'Joanna',
      defaultLocale: 'es_US',
    }),
  ) as FlowContent;
  const rendered = new Map(content.Actions.map((action) => [action.Identifier, action]));
  expect(rendered.get('voice-es_US')?.Parameters.TextToSpeechVoice).toBe('Lupe');
  expect(rendered.get('voice-de_DE')?.Parameters.TextToSpeechVoice).toBe('Vicki');
  expect(rendered.get('voice-en_US')?.Parameters.TextToSpeechVoice).toBe('Joanna');
  expect((rendered.get('use-de_DE')?.Parameters.Attributes as Record<string, string> | undefined)?.lineTransfer).toBe(
    botLocales[2].flow.transfer,
  );
  expect(rendered.get('language-menu')?.Parameters.Text).toBe(botLocales.map((l) => l.menu.offer).join(' '));
  expect(rendered.get('remember-default-language')?.Parameters.Attributes).toEqual({ defaultLanguage: 'es_US' });
  expect(JSON.stringify(content)).not.toMatch(/\$\{[A-Z_]+/);
});

test("the defaultLanguage setting must be one of the bot's locales", () => {
  expect(() => buildTestApp({ defaultLanguage: 'fr_FR' })).toThrow(
    /defaultLanguage "fr_FR" must be one of the bot's locales: en_US, es_US, de_DE/,
  );
});
