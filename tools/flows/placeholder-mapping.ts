/**
 * The two directions between a live instance's values and the repo's named placeholders
 * (lib/definition/placeholders.ts): on export, ARN → `${NAME:argument}`; on import, the reverse.
 *
 * The bot alias comes from the deployed bot stack's outputs; the voice from the app's `voice` setting; queues,
 * prompts, flows, flow modules, hours and Lambda functions by name from the instance's own lists.
 */
import { defaultLocale } from '../../lib/definition/bot';
import { resolveLanguagePlaceholder } from '../../lib/definition/flow-languages';
import { PLACEHOLDERS, type PlaceholderUse } from '../../lib/definition/placeholders';
import type { ConnectInventory, NamedResource } from './connect-inventory';

export interface DeploymentValues {
  /** The deployed bot alias ARN (bot stack output BotAliasArn), when the bot stack is deployed. */
  readonly lexBotAliasArn?: string;
  /** The deployment's voice setting. */
  readonly voice: string;
  /** The deployment's defaultLanguage setting; the default locale when absent. */
  readonly defaultLocale?: string;
}

function placeholder(name: string, argument?: string): string {
  if (argument?.includes('}')) {
    throw new Error(`"${argument}" cannot be named in a placeholder: rename it without "}"`);
  }
  return argument === undefined ? `\${${name}}` : `\${${name}:${argument}}`;
}

/** Which placeholder kind stands for which list of the inventory. */
const BY_NAME: readonly [string, (inventory: ConnectInventory) => readonly NamedResource[]][] = [
  [PLACEHOLDERS.queueArn, (i) => i.queues],
  [PLACEHOLDERS.promptArn, (i) => i.prompts],
  [PLACEHOLDERS.flowArn, (i) => i.flows],
  [PLACEHOLDERS.flowModuleArn, (i) => i.flowModules],
  [PLACEHOLDERS.hoursArn, (i) => i.hours],
  [PLACEHOLDERS.lambdaArn, (i) => i.lambdas],
];

/** ARN → placeholder, for export. */
export function exportReplacements(inventory: ConnectInventory, deployment: DeploymentValues): Map<string, string> {
  const replacements = new Map<string, string>();
  if (deployment.lexBotAliasArn) replacements.set(deployment.lexBotAliasArn, placeholder(PLACEHOLDERS.lexBotAliasArn));
  for (const [name, list] of BY_NAME) {
    for (const resource of list(inventory)) replacements.set(resource.arn, placeholder(name, resource.name));
  }
  return replacements;
}

/**
 * Placeholder → value, for import. Undefined for a placeholder it cannot resolve, which
 * resolvePlaceholders turns into an error naming it.
 */
export function importResolver(inventory: ConnectInventory, deployment: DeploymentValues) {
  return (use: PlaceholderUse): string | undefined => {
    if (use.name === PLACEHOLDERS.lexBotAliasArn) return deployment.lexBotAliasArn;
    const language = resolveLanguagePlaceholder(use, {
      voice: deployment.voice,
      defaultLocale: deployment.defaultLocale ?? defaultLocale.localeId,
    });
    if (language !== undefined) return language;
    const kind = BY_NAME.find(([name]) => name === use.name);
    if (!kind || use.argument === undefined) return undefined;
    const matches = kind[1](inventory).filter((resource) => resource.name === use.argument);
    if (matches.length > 1)
      throw new Error(`${use.text} is ambiguous: the instance has ${matches.length} with that name`);
    return matches[0]?.arn;
  };
}
