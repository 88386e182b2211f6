/**
 * The options of `npm start -- [options]`, parsed and checked before anything starts. A mistake is a
 * UsageError (the CLI prints it with the usage and exits 2).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { botDefinition } from '../lib/definition/bot';
import { INBOUND_FLOW_FILE } from '../lib/flow/flow-file';
import { DEFAULT_CONTACT_CENTER, type LocalContactCenter } from './flow-actions';

/** Where the call memory is kept between runs unless --data or --in-memory says otherwise (gitignored). */
export const DEFAULT_DATA_DIR = join(__dirname, '..', '.chalkbot', 'dynamodb');

export interface CallOptions {
  /** Resume the memory stored under this contact id; a fresh id when absent. */
  readonly contactId?: string;
  /** The Lex locale to hold the call in, instead of the one the flow's language picks. */
  readonly localeId?: string;
  readonly showEvents: boolean;
  readonly flowFile: string;
  /** Where dynalite keeps its data; undefined keeps it in memory for this run only. */
  readonly dataDir?: string;
  readonly contactCenter: LocalContactCenter;
}

export type ParsedCommand = { readonly kind: 'help' } | { readonly kind: 'call'; readonly options: CallOptions };

export const USAGE = `Usage: npm start -- [options]

Holds a phone call with Chalkbot on this machine: the contact flow from contact-flows/, the bot definition,
the fulfillment function and a local DynamoDB. Type what the caller says, one line per turn (an empty line is
silence); the end of input (Ctrl-D) hangs up. Lines can be piped:
  printf 'What can you do?\\nGoodbye\\n' | npm start

Options:
  --contact-id <id>  continue the call memory stored under this contact id (printed at the end of a call)
  --locale <id>      the Lex locale to hold the call in (the bot has ${botDefinition.localeId})
  --show-events      print each Lex V2 event sent to the function and the function's answer
  --flow <file>      the flow file to walk (default: contact-flows/chalkbot-inbound.json)
  --data <dir>       keep the local DynamoDB here (default: .chalkbot/dynamodb)
  --in-memory        keep nothing after the call
  --queue-closed     the support queue's hours say closed
  --no-agents        no agent is staffed on the support queue
  -h, --help         show this help

Answers come from OpenAI when OPENAI_API_KEY or OPENAI_BASE_URL is set (OPENAI_MODEL picks the model);
otherwise from the offline answerer.`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseCallOptions(argv: readonly string[]): ParsedCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'contact-id': { type: 'string' },
        locale: { type: 'string' },
        'show-events': { type: 'boolean', default: false },
        flow: { type: 'string' },
        data: { type: 'string' },
        'in-memory': { type: 'boolean', default: false },
        'queue-closed': { type: 'boolean', default: false },
        'no-agents': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };

  const contactId = values['contact-id'];
  if (contactId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/.test(contactId)) {
    throw new UsageError(`--contact-id must be letters, digits and . _ : - (got ${JSON.stringify(contactId)})`);
  }
  const localeId = values.locale;
  if (localeId !== undefined && localeId !== botDefinition.localeId) {
    throw new UsageError(`--locale ${localeId}: the bot has only the locale ${botDefinition.localeId}`);
  }
  if (values.data !== undefined && values['in-memory']) throw new UsageError('--data and --in-memory exclude each other');

  return {
    kind: 'call',
    options: {
      contactId,
      localeId,
      showEvents: values['show-events'],
      flowFile: values.flow ?? INBOUND_FLOW_FILE,
      dataDir: values['in-memory'] ? undefined : (values.data ?? DEFAULT_DATA_DIR),
      contactCenter: {
        hoursOpen: !values['queue-closed'],
        agentsStaffed: values['no-agents'] ? 0 : DEFAULT_CONTACT_CENTER.agentsStaffed,
      },
    },
  };
}
