/**
 * Export's side of the flow's language placeholders (lib/definition/flow-languages.ts): a flow from Connect holds
 * the lines, voices, menu and keys as resolved values; they go back to `${LINE:…}`, `${VOICE:<locale>}`,
 * `${LANGUAGE_MENU}`, `${MENU_KEY:<locale>}` and `${DEFAULT_LOCALE}`, so the repo's flow keeps taking its words
 * from the bot definition. Each is recognized where the flow uses it, not by value alone: "en_US" is also the
 * literal a branch compares with.
 */
import { botLocales, type BotDefinition, type FlowLines, findLocale } from '../../lib/definition/bot';
import { FLOW_ATTRIBUTES, languageMenuText, resolveLanguagePlaceholder } from '../../lib/definition/flow-languages';
import { PLACEHOLDERS } from '../../lib/definition/placeholders';
import type { FlowAction, FlowContent } from '../../lib/flow/flow-file';
import type { DeploymentValues } from './placeholder-mapping';

const placeholder = (name: string, argument?: string) =>
  argument === undefined ? `\${${name}}` : `\${${name}:${argument}}`;

/** The locale whose branch this action is: an UpdateContactAttributes setting the `language` attribute to it. */
function branchLocale(action: FlowAction | undefined): BotDefinition | undefined {
  if (action?.Type !== 'UpdateContactAttributes') return undefined;
  const attributes = action.Parameters.Attributes as Record<string, unknown> | undefined;
  const language = attributes?.[FLOW_ATTRIBUTES.language];
  return typeof language === 'string' ? findLocale(language) : undefined;
}

export function withLanguagePlaceholders(content: FlowContent, deployment: DeploymentValues): FlowContent {
  const byId = new Map(content.Actions.map((action) => [action.Identifier, action]));
  // A language branch goes on to its voice block: that block's voice is the locale's.
  const voiceBlockLocale = new Map<string, BotDefinition>();
  for (const action of content.Actions) {
    const locale = branchLocale(action);
    if (locale && action.Transitions.NextAction) voiceBlockLocale.set(action.Transitions.NextAction, locale);
  }
  const actions = content.Actions.map((action): FlowAction => {
    const parameters = { ...action.Parameters };
    const transitions = { ...action.Transitions };
    const branch = branchLocale(action);
    if (branch || action.Type === 'UpdateContactAttributes') {
      const attributes = { ...(parameters.Attributes as Record<string, unknown>) };
      for (const [name, value] of Object.entries(attributes)) {
        const key = branch && (Object.keys(branch.flow) as (keyof FlowLines)[]).find((k) => branch.flow[k] === value);
        if (key) attributes[name] = placeholder(PLACEHOLDERS.line, `${branch.localeId}:${key}`);
        if (name === FLOW_ATTRIBUTES.defaultLanguage && typeof value === 'string' && findLocale(value)) {
          attributes[name] = placeholder(PLACEHOLDERS.defaultLocale);
        }
      }
      parameters.Attributes = attributes;
    }
    if (action.Type === 'GetParticipantInput') {
      if (parameters.Text === languageMenuText()) parameters.Text = placeholder(PLACEHOLDERS.languageMenu);
      transitions.Conditions = transitions.Conditions?.map((condition) => {
        const locale = branchLocale(byId.get(condition.NextAction));
        const [operand] = condition.Condition.Operands;
        return locale && operand === locale.menu.key
          ? {
              ...condition,
              Condition: { ...condition.Condition, Operands: [placeholder(PLACEHOLDERS.menuKey, locale.localeId)] },
            }
          : condition;
      });
    }
    if (action.Type === 'UpdateContactTextToSpeechVoice') {
      const locale = voiceBlockLocale.get(action.Identifier);
      const voice =
        locale &&
        resolveLanguagePlaceholder(
          { text: '', name: PLACEHOLDERS.voice, argument: locale.localeId },
          {
            voice: deployment.voice,
            defaultLocale: deployment.defaultLocale ?? botLocales[0].localeId,
          },
        );
      if (locale && parameters.TextToSpeechVoice === voice)
        parameters.TextToSpeechVoice = placeholder(PLACEHOLDERS.voice, locale.localeId);
    }
    return { ...action, Parameters: parameters, Transitions: transitions };
  });
  return { ...content, Actions: actions };
}
