/**
 * The deployment settings: the few things a deployer chooses. They live in `cdk.json` under `context` and can be
 * overridden per command with `-c key=value` (e.g. `npx cdk synth -c prefix=demo`). Everything else is named by
 * CloudFormation or derived from these.
 *
 * Read once by the app; the stacks receive the validated result and never read context themselves.
 */
import { existsSync, readFileSync } from 'node:fs';
import { GITLAB_CONTEXT_KEYS } from './ci/gitlab-ci-access-stack';
import { botDefinition, botLocales, findLocale } from './definition/bot';
import { CALL_MEMORY_TABLE } from './definition/call-memory';
import { ORDER_ID_PLACEHOLDER } from './definition/orders';
import { DEFAULT_OPENAI_MODEL } from './definition/function-settings';
import { type DeployedModels, MODEL_SETTING_DEFAULTS, MODEL_SETTING_KEYS, readModelChoice } from './model-settings';
import { DEFAULT_TRANSCRIPT_RETENTION_DAYS } from './definition/transcripts';

export type PhoneNumberType = 'DID' | 'TOLL_FREE';

export interface ChalkbotSettings {
  /** Names the stacks and the few resources that need a name; lower case letters, digits and single hyphens. */
  readonly prefix: string;
  /**
   * Alias of the Connect instance we create (it becomes `https://<alias>.my.connect.aws`, so it must be unique
   * across AWS). Ignored when `existingInstanceArn` is set.
   */
  readonly instanceAlias: string;
  /** Adopt this Connect instance instead of creating one; nothing instance-level is created then. */
  readonly existingInstanceArn?: string;
  /** Adopt this claimed phone number instead of claiming one. */
  readonly existingPhoneNumberArn?: string;
  /** ISO country code of the number to claim, e.g. US. */
  readonly phoneCountry: string;
  readonly phoneType: PhoneNumberType;
  /** Polly voice for the flow and the bot; must support the bot definition's engine. */
  readonly voice: string;
  /**
   * Lex locale of a caller who presses no key in the flow's language menu: the number's default language (this
   * deployment has one number). One of the bot definition's locales.
   */
  readonly defaultLanguage: string;
  /** OpenAI chat model the function asks. */
  readonly openAiModel: string;
  /** Any OpenAI-compatible endpoint; absent means OpenAI itself. */
  readonly openAiBaseUrl?: string;
  /** Which model answers (OpenAI, Azure OpenAI or Bedrock) and which when it fails (lib/model-settings.ts). */
  readonly models: DeployedModels;
  /** How long a call's memory is kept, in days (fractions allowed). */
  readonly memoryExpiryDays: number;
  /** Subscribed to the bot stack's alarm topic; absent means alarms without notifications. */
  readonly alarmEmail?: string;
  /** Deploy the web chat (start-chat API and page, lib/web-chat); off unless set to true. */
  readonly webChat: boolean;
  /** Chats one IP address may start per 5 minutes before the API answers 429 (a WAF rate-based rule). */
  readonly webChatStartsPerIp: number;
  /**
   * The business's own order API, an https URL with `{orderId}` in it: look_up_order calls it instead of the
   * stack's orders table (which is then not created).
   */
  readonly orderLookupUrl?: string;
  /** A Secrets Manager secret holding the order API's bearer token (plain text); only with orderLookupUrl. */
  readonly orderLookupTokenSecretArn?: string;
  /** How long archived call transcripts are kept, in whole days. */
  readonly transcriptRetentionDays: number;
  /** Mask digit runs (card, phone, order numbers) in archived transcripts. */
  readonly redactTranscripts: boolean;
  /** Also log the callers' audio (Lex audio conversation logs) to the recordings bucket; off by default. */
  readonly lexAudioLogs: boolean;
}

/** The context keys, spelled once. */
export const SETTING_KEYS = {
  prefix: 'prefix',
  instanceAlias: 'instanceAlias',
  existingInstanceArn: 'existingInstanceArn',
  existingPhoneNumberArn: 'existingPhoneNumberArn',
  phoneCountry: 'phoneCountry',
  phoneType: 'phoneType',
  voice: 'voice',
  defaultLanguage: 'defaultLanguage',
  openAiModel: 'openAiModel',
  openAiBaseUrl: 'openAiBaseUrl',
  ...MODEL_SETTING_KEYS,
  memoryExpiryDays: 'memoryExpiryDays',
  alarmEmail: 'alarmEmail',
  webChat: 'webChat',
  webChatStartsPerIp: 'webChatStartsPerIp',
  orderLookupUrl: 'orderLookupUrl',
  orderLookupTokenSecretArn: 'orderLookupTokenSecretArn',
  transcriptRetentionDays: 'transcriptRetentionDays',
  redactTranscripts: 'redactTranscripts',
  lexAudioLogs: 'lexAudioLogs',
} as const;

/** Used when cdk.json does not set a key (cdk.json states the same values, so a deployer sees every knob). */
export const SETTING_DEFAULTS = {
  prefix: 'chalkbot',
  phoneCountry: 'US',
  phoneType: 'DID' as PhoneNumberType,
  voice: botDefinition.voice.id,
  defaultLanguage: botDefinition.localeId,
  openAiModel: DEFAULT_OPENAI_MODEL,
  ...MODEL_SETTING_DEFAULTS,
  memoryExpiryDays: CALL_MEMORY_TABLE.defaultExpirySeconds / 86_400,
  webChat: false,
  /** Room for a few people behind one office or mobile-carrier address; a script starting chats hits it fast. */
  webChatStartsPerIp: 100,
  transcriptRetentionDays: DEFAULT_TRANSCRIPT_RETENTION_DAYS,
  redactTranscripts: false,
  lexAudioLogs: false,
};

/** WAF's bounds for a rate-based rule's limit (AWS::WAFv2::WebACL RateBasedStatement.Limit). */
const WAF_RATE_LIMIT_MIN = 10;
const WAF_RATE_LIMIT_MAX = 2_000_000_000;

const PREFIX_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const PREFIX_MAX_LENGTH = 24;
/** Connect's own rule for instance aliases (AWS::Connect::Instance InstanceAlias). */
const INSTANCE_ALIAS_PATTERN = /^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/;
const INSTANCE_ALIAS_MAX_LENGTH = 45;
const INSTANCE_ARN_PATTERN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}$/;
const PHONE_NUMBER_ARN_PATTERN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:phone-number\/[0-9a-f-]{36}$/;
const PHONE_TYPES: readonly PhoneNumberType[] = ['DID', 'TOLL_FREE'];

/** Where settings are read from: a construct's node in the app, or cdk.json's context in the tools. */
export interface SettingsContext {
  tryGetContext(key: string): unknown;
  /** Every key set, so a key nobody reads (a typo) can be named. */
  getAllContext?(): Readonly<Record<string, unknown>>;
}

/** cdk.json's `context`, as the tools read it (the app gets the same through the CDK CLI); none if absent. */
export function cdkJsonContext(cdkJsonPath: string): SettingsContext {
  const context = existsSync(cdkJsonPath)
    ? ((JSON.parse(readFileSync(cdkJsonPath, 'utf8')) as { context?: Record<string, unknown> }).context ?? {})
    : {};
  return { tryGetContext: (key) => context[key], getAllContext: () => context };
}

/** Every problem with the settings, one line each; the CDK app prints them without a stack trace. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid Chalkbot settings (cdk.json context or -c):\n  - ${problems.join('\n  - ')}`);
    this.name = 'SettingsError';
  }
}

/** Every context key the app reads as a setting. */
export const KNOWN_SETTING_KEYS: readonly string[] = [
  ...Object.values(SETTING_KEYS),
  ...Object.values(GITLAB_CONTEXT_KEYS),
];

/**
 * Context keys shaped like our settings (camelCase words) that no part of the app reads: a typo such as
 * `-c prefx=demo` would otherwise be ignored and deploy the default prefix. Keys with `:`, `/`, `-` or `@` are
 * the CDK's own (feature flags, lookups, acknowledged notices) and are left alone.
 */
export function unknownSettingProblems(
  context: Readonly<Record<string, unknown>>,
  known: readonly string[] = KNOWN_SETTING_KEYS,
): string[] {
  return Object.keys(context)
    .filter((key) => /^[a-zA-Z][a-zA-Z0-9]*$/.test(key) && !known.includes(key))
    .map((key) => {
      const closest = closestKey(key, known);
      return `unknown setting ${key}${closest ? ` (did you mean ${closest}?)` : ''}`;
    });
}

/** The known key nearest in spelling (Levenshtein distance, case ignored), if it is near enough to be a typo. */
function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 3)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** A context value as a trimmed string; `-c key=` and absent keys are both "not set". */
function readString(node: SettingsContext, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/**
 * Reads and validates the settings. Every problem is reported at once, naming the key and the rule, so a typo in
 * `-c` fails the synth before any template exists.
 */
export function readSettings(node: SettingsContext): ChalkbotSettings {
  const problems: string[] = unknownSettingProblems(node.getAllContext?.() ?? {});
  const get = (key: keyof typeof SETTING_KEYS) => readString(node, SETTING_KEYS[key]);

  const prefix = get('prefix') ?? SETTING_DEFAULTS.prefix;
  if (!PREFIX_PATTERN.test(prefix) || prefix.length > PREFIX_MAX_LENGTH) {
    problems.push(
      `prefix "${prefix}" must be lower case letters and digits, optionally joined by single hyphens, ` +
        `start with a letter and be at most ${PREFIX_MAX_LENGTH} characters`,
    );
  }

  // Unset, the alias is the prefix, whose own rule is stricter: a bad prefix is one problem, not two.
  const explicitAlias = get('instanceAlias');
  const instanceAlias = explicitAlias ?? prefix;
  if (
    explicitAlias !== undefined &&
    (!INSTANCE_ALIAS_PATTERN.test(instanceAlias) || instanceAlias.length > INSTANCE_ALIAS_MAX_LENGTH)
  ) {
    problems.push(
      `instanceAlias "${instanceAlias}" must match ${INSTANCE_ALIAS_PATTERN.source} ` +
        `(letters, digits and hyphens, not starting with "d-") and be at most ${INSTANCE_ALIAS_MAX_LENGTH} characters`,
    );
  }

  const existingInstanceArn = get('existingInstanceArn');
  if (existingInstanceArn !== undefined && !INSTANCE_ARN_PATTERN.test(existingInstanceArn)) {
    problems.push(`existingInstanceArn "${existingInstanceArn}" is not a Connect instance ARN`);
  }
  const existingPhoneNumberArn = get('existingPhoneNumberArn');
  if (existingPhoneNumberArn !== undefined && !PHONE_NUMBER_ARN_PATTERN.test(existingPhoneNumberArn)) {
    problems.push(`existingPhoneNumberArn "${existingPhoneNumberArn}" is not a Connect phone number ARN`);
  }

  const phoneCountry = (get('phoneCountry') ?? SETTING_DEFAULTS.phoneCountry).toUpperCase();
  if (!/^[A-Z]{2}$/.test(phoneCountry))
    problems.push(`phoneCountry "${phoneCountry}" must be a two-letter country code`);

  const phoneType = (get('phoneType') ?? SETTING_DEFAULTS.phoneType).toUpperCase() as PhoneNumberType;
  if (!PHONE_TYPES.includes(phoneType))
    problems.push(`phoneType "${phoneType}" must be one of ${PHONE_TYPES.join(', ')}`);

  const voice = get('voice') ?? SETTING_DEFAULTS.voice;
  if (!/^[A-Z][a-zA-Z]+$/.test(voice)) problems.push(`voice "${voice}" must be a Polly voice id such as Joanna`);

  const defaultLanguage = get('defaultLanguage') ?? SETTING_DEFAULTS.defaultLanguage;
  if (!findLocale(defaultLanguage)) {
    problems.push(
      `defaultLanguage "${defaultLanguage}" must be one of the bot's locales: ${botLocales.map((l) => l.localeId).join(', ')}`,
    );
  }

  const openAiModel = get('openAiModel') ?? SETTING_DEFAULTS.openAiModel;
  if (/\s/.test(openAiModel)) problems.push(`openAiModel "${openAiModel}" must not contain spaces`);

  const openAiBaseUrl = get('openAiBaseUrl');
  if (openAiBaseUrl !== undefined && !/^https?:\/\/\S+$/.test(openAiBaseUrl)) {
    problems.push(`openAiBaseUrl "${openAiBaseUrl}" must be an http(s) URL`);
  }

  const models = readModelChoice(get, openAiModel, problems);

  const expiryText = get('memoryExpiryDays');
  const memoryExpiryDays = expiryText === undefined ? SETTING_DEFAULTS.memoryExpiryDays : Number(expiryText);
  if (!Number.isFinite(memoryExpiryDays) || memoryExpiryDays <= 0 || memoryExpiryDays > 365) {
    problems.push(`memoryExpiryDays "${expiryText}" must be a number of days above 0 and at most 365`);
  }

  const alarmEmail = get('alarmEmail');
  // A plausibility check only: SNS sends a confirmation mail, and only a real, confirmed address receives alarms.
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    problems.push(`alarmEmail "${alarmEmail}" must be an email address`);
  }

  const webChatText = get('webChat');
  const webChat = webChatText === undefined ? SETTING_DEFAULTS.webChat : webChatText === 'true';
  if (webChatText !== undefined && webChatText !== 'true' && webChatText !== 'false') {
    problems.push(`webChat "${webChatText}" must be true or false`);
  }

  const startsText = get('webChatStartsPerIp');
  const webChatStartsPerIp = startsText === undefined ? SETTING_DEFAULTS.webChatStartsPerIp : Number(startsText);
  if (
    !Number.isInteger(webChatStartsPerIp) ||
    webChatStartsPerIp < WAF_RATE_LIMIT_MIN ||
    webChatStartsPerIp > WAF_RATE_LIMIT_MAX
  ) {
    problems.push(
      `webChatStartsPerIp "${startsText}" must be a whole number from ${WAF_RATE_LIMIT_MIN} to ${WAF_RATE_LIMIT_MAX}`,
    );
  }

  const orderLookupUrl = get('orderLookupUrl');
  if (
    orderLookupUrl !== undefined &&
    (!/^https:\/\/\S+$/.test(orderLookupUrl) || !orderLookupUrl.includes(ORDER_ID_PLACEHOLDER))
  ) {
    problems.push(
      `orderLookupUrl "${orderLookupUrl}" must be an https URL with ${ORDER_ID_PLACEHOLDER} where the order id goes`,
    );
  }
  const orderLookupTokenSecretArn = get('orderLookupTokenSecretArn');
  if (
    orderLookupTokenSecretArn !== undefined &&
    !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+-[A-Za-z0-9]{6}$/.test(orderLookupTokenSecretArn)
  ) {
    problems.push(
      `orderLookupTokenSecretArn "${orderLookupTokenSecretArn}" is not the full ARN of a Secrets Manager secret (it ends in a 6-character suffix)`,
    );
  }
  if (orderLookupTokenSecretArn !== undefined && orderLookupUrl === undefined) {
    problems.push('orderLookupTokenSecretArn is the token of orderLookupUrl; set orderLookupUrl too');
  }

  const retentionText = get('transcriptRetentionDays');
  const transcriptRetentionDays =
    retentionText === undefined ? SETTING_DEFAULTS.transcriptRetentionDays : Number(retentionText);
  if (!Number.isInteger(transcriptRetentionDays) || transcriptRetentionDays < 1 || transcriptRetentionDays > 3650) {
    problems.push(`transcriptRetentionDays "${retentionText}" must be a whole number of days from 1 to 3650`);
  }
  const flag = (key: 'redactTranscripts' | 'lexAudioLogs'): boolean => {
    const value = get(key);
    if (value === undefined) return SETTING_DEFAULTS[key];
    if (value !== 'true' && value !== 'false') problems.push(`${key} "${value}" must be true or false`);
    return value === 'true';
  };
  const redactTranscripts = flag('redactTranscripts');
  const lexAudioLogs = flag('lexAudioLogs');
  if (lexAudioLogs && existingInstanceArn !== undefined) {
    problems.push(
      'lexAudioLogs writes to the recordings bucket, which is created only with a new instance; not with existingInstanceArn',
    );
  }

  if (problems.length > 0) throw new SettingsError(problems);
  return {
    prefix,
    instanceAlias,
    existingInstanceArn,
    existingPhoneNumberArn,
    phoneCountry,
    phoneType,
    voice,
    defaultLanguage,
    openAiModel,
    openAiBaseUrl,
    models,
    memoryExpiryDays,
    alarmEmail,
    webChat,
    webChatStartsPerIp,
    orderLookupUrl,
    orderLookupTokenSecretArn,
    transcriptRetentionDays,
    redactTranscripts,
    lexAudioLogs,
  };
}

/** The memory expiry as the function reads it (`CALL_MEMORY_EXPIRY_SECONDS`). */
export function memoryExpirySeconds(settings: ChalkbotSettings): number {
  return Math.round(settings.memoryExpiryDays * 86_400);
}

/** The ECR repository the function image is pushed to; it must be named before the bot stack synthesizes. */
export function functionImageRepositoryName(settings: ChalkbotSettings): string {
  return `${settings.prefix}-answer-function`;
}

/** The app's stacks, named once for the app and the tools that look them up. */
export function stackNames(prefix: string): { contactCenter: string; bot: string; webChat: string; gitlabCi: string } {
  return {
    contactCenter: `${prefix}-contact-center`,
    bot: `${prefix}-bot`,
    webChat: `${prefix}-web-chat`,
    gitlabCi: `${prefix}-gitlab-ci`,
  };
}
