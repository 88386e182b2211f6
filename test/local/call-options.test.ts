import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { botDefinition } from '../../lib/definition/bot';
import { INBOUND_FLOW_FILE, readFlowFile } from '../../lib/flow/flow-file';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_KNOWLEDGE_DIR,
  DEFAULT_ORDERS_FILE,
  parseCallOptions,
  UsageError,
} from '../../local/call-options';

test('no options: a fresh call through the inbound flow, kept in the default store, queue open and staffed', () => {
  expect(parseCallOptions([])).toEqual({
    kind: 'call',
    options: {
      contactId: undefined,
      localeId: undefined,
      showEvents: false,
      verbose: false,
      flowFile: INBOUND_FLOW_FILE,
      dataDir: DEFAULT_DATA_DIR,
      contactCenter: { hoursOpen: true, agentsStaffed: 1 },
      ordersFile: DEFAULT_ORDERS_FILE,
      knowledgeDir: DEFAULT_KNOWLEDGE_DIR,
    },
  });
});

test('every option is read', () => {
  const command = parseCallOptions([
    '--contact-id',
    'c0ffee-1',
    '--locale',
    botDefinition.localeId,
    '--show-events',
    '--verbose',
    '--flow',
    'other.json',
    '--data',
    '/tmp/store',
    '--queue-closed',
    '--no-agents',
    '--orders',
    'my-orders.json',
    '--knowledge',
    tmpdir(),
  ]);
  expect(command).toEqual({
    kind: 'call',
    options: {
      contactId: 'c0ffee-1',
      localeId: botDefinition.localeId,
      showEvents: true,
      verbose: true,
      flowFile: 'other.json',
      dataDir: '/tmp/store',
      contactCenter: { hoursOpen: false, agentsStaffed: 0 },
      ordersFile: 'my-orders.json',
      knowledgeDir: tmpdir(),
    },
  });
});

test('--in-memory keeps nothing on disk', () => {
  expect(parseCallOptions(['--in-memory'])).toMatchObject({ options: { dataDir: undefined } });
});

test('--help and -h ask for the usage', () => {
  expect(parseCallOptions(['--help'])).toEqual({ kind: 'help' });
  expect(parseCallOptions(['-h'])).toEqual({ kind: 'help' });
});

test.each([
  [['--bogus'], /Unknown option '--bogus'/],
  [['stray'], /positional/],
  [['--contact-id'], /argument missing/],
  [['--contact-id', 'has space'], /--contact-id must be/],
  [['--locale', 'xx_XX'], /the bot speaks en_US, es_US, de_DE/],
  [['--data', '/tmp/x', '--in-memory'], /exclude each other/],
  [
    ['--deployed', '--knowledge', '/tmp/docs'],
    /--knowledge and --deployed exclude each other: the deployed function answers from/,
  ],
  [['--knowledge', '/nonexistent/docs'], /--knowledge \/nonexistent\/docs: no such folder/],
])('%j is a usage error', (argv, message) => {
  expect(() => parseCallOptions(argv)).toThrow(UsageError);
  expect(() => parseCallOptions(argv)).toThrow(message);
});

test('--data naming a file is a usage error that says so, not a raw EEXIST', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'call-data-')), 'store.json');
  writeFileSync(file, '{}');
  expect(() => parseCallOptions(['--data', file])).toThrow(
    new UsageError(`--data ${file} is a file; give a folder for the local store (it is created if missing)`),
  );
});

test('--flow naming a missing file says it does not exist, not "not valid JSON"', () => {
  expect(() => readFlowFile('/missing.json')).toThrow(/^Flow file \/missing\.json does not exist$/);
});
