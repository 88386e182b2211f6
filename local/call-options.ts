/**
 * The options of `npm start -- [options]`, parsed and checked before anything starts. A mistake is a
 * UsageError (the CLI prints it with the usage and exits 2).
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { botDefinition, botLocales, findLocale } from '../lib/definition/bot';
import { DEFAULT_BEDROCK_MODEL_ID } from '../lib/definition/function-settings';
import { SAMPLE_ORDERS_FILE } from '../lib/definition/orders';
import { INBOUND_FLOW_FILE } from '../lib/flow/flow-file';
import type { DeployedBotLookup } from '../tools/deployed-bot';
import { DEFAULT_CONTACT_CENTER, type LocalContactCenter } from './flow-actions';

/** The business's knowledge the local call answers from unless --knowledge names another folder. */
export const DEFAULT_KNOWLEDGE_DIR = join(__dirname, '..', 'knowledge');

/** Where the call memory is kept between runs unless --data or --in-memory says otherwise (gitignored). */
export const DEFAULT_DATA_DIR = join(__dirname, '..', '.chalkbot', 'dynamodb');

/** The orders the local call's order lookups find unless --orders names another file. */
export const DEFAULT_ORDERS_FILE = join(__dirname, '..', SAMPLE_ORDERS_FILE);

export type { DeployedBotLookup };

export interface CallOptions {
  /** Resume the memory stored under this contact id; a fresh id when absent. */
  readonly contactId?: string;
  /**
   * The number's default language: the locale of a caller who presses no key in the flow's language menu (and,
   * with --deployed, the deployed bot's locale).
   */
  readonly localeId?: string;
  readonly showEvents: boolean;
  readonly flowFile: string;
  /** Where dynalite keeps its data; undefined keeps it in memory for this run only. */
  readonly dataDir?: string;
  readonly contactCenter: LocalContactCenter;
  /** The local function's log file (default .chalkbot/function.log). */
  readonly logFile?: string;
  /** Show the local function's logs on stderr as well. */
  readonly verbose?: boolean;
  /** Loaded into the local orders table before the call (look_up_order reads it). */
  readonly ordersFile: string;
  /** Hold the call with the deployed bot alias instead of the local function (no local store then). */
  readonly deployed?: DeployedBotLookup;
  /** Serve the web chat page on this port instead of holding a call in the terminal. */
  readonly web?: { readonly port: number };
  /** The knowledge folder the local function answers from (indexed at the start of the call). */
  readonly knowledgeDir?: string;
}

/** `npm start -- --web` serves on this port unless --port says otherwise. */
export const DEFAULT_WEB_PORT = 8787;

export type ParsedCommand = { readonly kind: 'help' } | { readonly kind: 'call'; readonly options: CallOptions };

export const USAGE = `Usage: npm start -- [options]

Holds a phone call with Chalkbot on this machine: the contact flow from contact-flows/, the bot definition,
the fulfillment function and a local DynamoDB. Type what the caller says, one line per turn (an empty line is
silence); the end of input (Ctrl-D) hangs up. Lines can be piped:
  printf 'What can you do?\\nGoodbye\\n' | npm start

Options:
  --contact-id <id>  continue the call memory stored under this contact id (printed at the end of a call)
  --locale <id>      the number's default language, spoken when no key is pressed in the language menu
                     (${botLocales.map((locale) => locale.localeId).join(', ')}; default ${botDefinition.localeId}).
                     At the menu, type a key as #2.
  --show-events      print each Lex V2 event sent to the function and the function's answer
  --verbose          show the function's logs here too (they always go to .chalkbot/function.log)
  --flow <file>      the flow file to walk (default: contact-flows/chalkbot-inbound.json)
  --knowledge <dir>  the business's FAQ and documents to answer from (default: knowledge/), indexed at start
  --data <dir>       keep the local DynamoDB here (default: .chalkbot/dynamodb)
  --in-memory        keep nothing after the call
  --orders <file>    the orders look_up_order finds (default: samples/orders.json; try order four seven one one)
  --queue-closed     the support queue's hours say closed
  --no-agents        no agent is staffed on the support queue
  -h, --help         show this help

Web chat (the same bot, flow and function through the chat page, in a browser):
  --web              serve the web chat page on http://127.0.0.1:<port> (Ctrl-C stops it)
  --port <n>         the port for --web (default: ${DEFAULT_WEB_PORT}; 0 picks a free one)

<<<<<<< HEAD
Answers come from OpenAI when OPENAI_API_KEY or OPENAI_BASE_URL is set (OPENAI_MODEL picks the model);
otherwise from the knowledge folder alone (a canned FAQ answer or the best passage). EMBEDDINGS=none
indexes keywords only; openai or bedrock embed with those services instead of the local model.
=======
The model is chosen by environment variables, as the deployed function's (README, "Settings"):
  MODEL_PROVIDER=openai    (default) with OPENAI_API_KEY or OPENAI_BASE_URL; OPENAI_MODEL picks the model
  MODEL_PROVIDER=azure     with AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_DEPLOYMENT, AZURE_OPENAI_API_KEY
                           (AZURE_OPENAI_API_VERSION optional)
  MODEL_PROVIDER=bedrock   your AWS credentials and AWS_REGION; BEDROCK_MODEL_ID picks the model (default
                           ${DEFAULT_BEDROCK_MODEL_ID}); AWS_ENDPOINT_URL_BEDROCK_RUNTIME=http://127.0.0.1:<port>
                           talks to a local Converse server instead (with fake credentials)
  FALLBACK_MODEL_PROVIDER, FALLBACK_MODEL  a second model, asked when the first fails within a turn
Without a model, answers come from the offline answerer.
>>>>>>> b20a446 (npm start holds a call with any provider: MODEL_PROVIDER=bedrock with AWS_ENDPOINT_URL_BEDROCK_RUNTIME on loopback is signed with fake credentials, the notice names the model(s), --help lists the provider settings; README settings tables list the provider, Azure, Bedrock and fallback settings, the default model's regions and the model access step)

The deployed bot (the flow still runs here; each line goes to the bot alias through Lex RecognizeText):
  --deployed             talk to the deployed bot instead of the local function (AWS credentials and
                         region as the AWS CLI finds them); --contact-id continues a deployed call's memory
  --prefix <prefix>      find the bot in the stack <prefix>-bot (default: the prefix in cdk.json)
  --outputs-file <file>  find the bot in a cdk deploy outputs file instead
  --bot-id <id> --alias-id <id>  name the bot alias directly
  --profile <name>       the AWS profile to use
  --region <region>      the AWS region of the deployment`;

/** Options that only say where the deployed bot is. */
const DEPLOYED_LOOKUP_OPTIONS = ['prefix', 'outputs-file', 'bot-id', 'alias-id', 'profile', 'region'] as const;
/** Options about the local store or the local function, which a deployed call does not use. */
const LOCAL_ONLY_OPTIONS = ['data', 'in-memory', 'show-events', 'orders', 'knowledge'] as const;
/** Lex's own rule for a session id, which a deployed call's contact id becomes. */
const LEX_SESSION_ID = /^[0-9a-zA-Z._:-]{2,100}$/;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Node's own argument parser, with every option the call takes; its mistakes are usage errors. */
function parseCallArgs(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'contact-id': { type: 'string' },
        locale: { type: 'string' },
        'show-events': { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        flow: { type: 'string' },
        knowledge: { type: 'string' },
        data: { type: 'string' },
        'in-memory': { type: 'boolean', default: false },
        orders: { type: 'string' },
        'queue-closed': { type: 'boolean', default: false },
        'no-agents': { type: 'boolean', default: false },
        deployed: { type: 'boolean', default: false },
        prefix: { type: 'string' },
        'outputs-file': { type: 'string' },
        'bot-id': { type: 'string' },
        'alias-id': { type: 'string' },
        profile: { type: 'string' },
        region: { type: 'string' },
        web: { type: 'boolean', default: false },
        port: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function parseCallOptions(argv: readonly string[]): ParsedCommand {
  const values = parseCallArgs(argv);
  if (values.help) return { kind: 'help' };

  const contactId = values['contact-id'];
  if (contactId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/.test(contactId)) {
    throw new UsageError(`--contact-id must be letters, digits and . _ : - (got ${JSON.stringify(contactId)})`);
  }
  const localeId = values.locale;
  if (localeId !== undefined && !findLocale(localeId)) {
    throw new UsageError(
      `--locale ${localeId}: the bot speaks ${botLocales.map((locale) => locale.localeId).join(', ')}`,
    );
  }
  if (values.data !== undefined && values['in-memory'])
    throw new UsageError('--data and --in-memory exclude each other');
  if (
    !values.deployed &&
    values.knowledge !== undefined &&
    !(existsSync(values.knowledge) && statSync(values.knowledge).isDirectory())
  ) {
    throw new UsageError(
      `--knowledge ${values.knowledge}: no such folder (it holds faq.md and the business's documents)`,
    );
  }
  if (values.data !== undefined && existsSync(values.data) && !statSync(values.data).isDirectory()) {
    throw new UsageError(
      `--data ${values.data} is a file; give a folder for the local store (it is created if missing)`,
    );
  }
  const deployed = values.deployed ? deployedBotLookup(values, localeId) : undefined;
  if (!deployed) {
    const lookup = DEPLOYED_LOOKUP_OPTIONS.find((name) => values[name] !== undefined);
    if (lookup) throw new UsageError(`--${lookup} says where the deployed bot is; it needs --deployed`);
  } else {
    const local = LOCAL_ONLY_OPTIONS.find((name) => values[name] !== undefined && values[name] !== false);
    if (local === 'show-events') {
      throw new UsageError(
        "--show-events and --deployed exclude each other: the deployed function's events are in its CloudWatch logs",
      );
    }
    if (local === 'knowledge') {
      throw new UsageError(
        '--knowledge and --deployed exclude each other: the deployed function answers from the index in its image',
      );
    }
    if (local)
      throw new UsageError(
        `--${local} and --deployed exclude each other: a deployed call keeps its memory in the deployed table`,
      );
    if (contactId !== undefined && !LEX_SESSION_ID.test(contactId)) {
      throw new UsageError(
        `--contact-id with --deployed becomes the Lex session id: 2 to 100 letters, digits and . _ : - (got ${JSON.stringify(contactId)})`,
      );
    }
  }

  const web = values.web ? { port: webPort(values.port) } : undefined;
  if (!web && values.port !== undefined) throw new UsageError("--port is the web chat's port; it needs --web");
  if (web && deployed)
    throw new UsageError('--web and --deployed exclude each other: the web chat runs the local function');
  if (web && contactId !== undefined)
    throw new UsageError('--web and --contact-id exclude each other: each chat gets its own contact id');

  return {
    kind: 'call',
    options: {
      contactId,
      localeId,
      showEvents: values['show-events'],
      verbose: values.verbose,
      flowFile: values.flow ?? INBOUND_FLOW_FILE,
      dataDir: values['in-memory'] || deployed ? undefined : (values.data ?? DEFAULT_DATA_DIR),
      contactCenter: {
        hoursOpen: !values['queue-closed'],
        agentsStaffed: values['no-agents'] ? 0 : DEFAULT_CONTACT_CENTER.agentsStaffed,
      },
      ordersFile: values.orders ?? DEFAULT_ORDERS_FILE,
      deployed,
      web,
      knowledgeDir: deployed ? undefined : resolve(values.knowledge ?? DEFAULT_KNOWLEDGE_DIR),
    },
  };
}

function webPort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_WEB_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw new UsageError(`--port must be a port number from 0 to 65535 (got ${JSON.stringify(text)})`);
  return port;
}

/** The lookup flags as the smoke test takes them; one way of finding the bot at a time. */
function deployedBotLookup(
  values: Partial<Record<(typeof DEPLOYED_LOOKUP_OPTIONS)[number], string>>,
  localeId: string | undefined,
): DeployedBotLookup {
  const botId = values['bot-id'];
  const aliasId = values['alias-id'];
  if ((botId === undefined) !== (aliasId === undefined)) throw new UsageError('--bot-id and --alias-id go together');
  const ways = [
    botId !== undefined && '--bot-id/--alias-id',
    values['outputs-file'] !== undefined && '--outputs-file',
    values.prefix !== undefined && '--prefix',
  ];
  const given = ways.filter((way): way is string => way !== false);
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} exclude each other: each names the deployed bot`);
  return {
    botId,
    aliasId,
    locale: localeId,
    outputsFile: values['outputs-file'],
    prefix: values.prefix,
    profile: values.profile,
    region: values.region,
  };
}
