/**
 * The smoke test of a deployed Chalkbot: a short conversation in text with the live bot alias, as a caller's
 * would go. It passes when the function answers, remembers within the call, and goodbye closes the call.
 *
 * `npm run smoke` finds the bot from `--outputs-file cdk-outputs.json` (the pipeline's deploy artifact), from
 * `--bot-id/--alias-id/--locale`, or else from the deployed bot stack's outputs in CloudFormation.
 */
import { randomUUID } from 'node:crypto';
import { GOODBYE_INTENT, SESSION_ATTRIBUTES, botDefinition } from '../lib/definition/bot';
import { parseCommandLine } from './cli-args';
import { LexRuntimeV2Client } from '@aws-sdk/client-lex-runtime-v2';
import { type BotTurn, type DeployedBot, createDeployedBot, resolveBotTarget } from './deployed-bot';
import { awsClientConfig, checkAwsAccess } from './deployment';

/** A name the model can only know from the call's memory. */
export const SMOKE_NAME = 'Ada';

/** Lines that mean the bot is up but its answer failed: the function's own fallbacks and Lex's time-out line. */
const FAILURE_LINES = new Map<string, string>([
  [botDefinition.messages.modelUnavailable, 'the model failed or timed out'],
  [
    botDefinition.messages.dontKnow,
    'the model is not configured (no OpenAI key or base URL?) and the documents have no answer',
  ],
  [botDefinition.messages.malformedEvent, 'the function could not read the Lex event'],
  [botDefinition.fulfillmentUpdates.timeoutMessage, 'Lex gave up waiting for the function'],
]);

export interface SmokeStep {
  readonly say: string;
  /** Why this step matters, printed when it fails. */
  readonly purpose: string;
  /** Problems with the answer, or none. */
  check(turn: BotTurn): string[];
}

function answers(turn: BotTurn): string[] {
  if (turn.messages.length === 0) return ['the bot said nothing (silence)'];
  const spoken = turn.messages.join(' ');
  const failure = [...FAILURE_LINES].find(([line]) => line && spoken.includes(line));
  return failure ? [`the bot answered with its error line (${failure[1]}): "${spoken}"`] : [];
}

function keepsListening(turn: BotTurn): string[] {
  return turn.dialogActionType === 'Close'
    ? [`the bot closed the call after an ordinary question (intent ${turn.intentName})`]
    : [];
}

export const SMOKE_STEPS: readonly SmokeStep[] = [
  {
    say: `Hello, my name is ${SMOKE_NAME}. Please remember it.`,
    purpose: 'the function answers a free-form question',
    check: (turn) => [...answers(turn), ...keepsListening(turn)],
  },
  {
    say: 'What is my name?',
    purpose: 'the call memory carries from one turn to the next',
    check: (turn) => {
      const problems = [...answers(turn), ...keepsListening(turn)];
      if (problems.length === 0 && !new RegExp(`\\b${SMOKE_NAME}\\b`, 'i').test(turn.messages.join(' '))) {
        problems.push(
          `the answer does not mention "${SMOKE_NAME}", so the call's memory was not used: "${turn.messages.join(' ')}"`,
        );
      }
      return problems;
    },
  },
  {
    say: 'Goodbye',
    purpose: 'goodbye ends the conversation with the bot',
    check: (turn) => {
      const problems: string[] = [];
      if (turn.intentName !== GOODBYE_INTENT)
        problems.push(`expected intent ${GOODBYE_INTENT}, got ${turn.intentName ?? 'none'}`);
      if (turn.dialogActionType !== 'Close')
        problems.push(`expected the dialog to Close, got ${turn.dialogActionType ?? 'no dialog action'}`);
      return problems;
    },
  },
];

export interface SmokeResult {
  readonly passed: boolean;
  /** One line per failed step, ready to print. */
  readonly failures: string[];
}

/**
 * Runs the conversation in one fresh session, with `contactId` set as the contact flow sets it. Stops at the
 * first failure: later steps depend on earlier ones.
 */
export async function runSmokeTest(bot: DeployedBot, log: (line: string) => void = console.log): Promise<SmokeResult> {
  const sessionId = `smoke-${randomUUID()}`;
  const sessionAttributes = { [SESSION_ATTRIBUTES.contactId]: sessionId };
  for (const [index, step] of SMOKE_STEPS.entries()) {
    log(`caller: ${step.say}`);
    let turn: BotTurn;
    try {
      turn = await bot.recognizeText(sessionId, step.say, sessionAttributes);
    } catch (error) {
      const failure = `Step ${index + 1} (${step.purpose}): Lex refused the turn: ${(error as Error).name}: ${(error as Error).message}`;
      return { passed: false, failures: [failure] };
    }
    log(
      `bot:    ${turn.messages.join(' ') || '(silence)'}   [${turn.intentName ?? '-'} / ${turn.dialogActionType ?? '-'}]`,
    );
    const problems = step.check(turn);
    if (problems.length > 0) {
      return { passed: false, failures: problems.map((problem) => `Step ${index + 1} (${step.purpose}): ${problem}`) };
    }
  }
  return { passed: true, failures: [] };
}

/** `npm run smoke -- [flags]`; resolves to the process exit code. */
export const SMOKE_USAGE = `Usage: npm run smoke -- [--outputs-file <file> | --prefix <prefix> | --bot-id <id> --alias-id <id>]
                      [--locale <id>] [--profile <p>] [--region <r>]

Talks to the deployed bot alias in text (Lex RecognizeText): it must answer, remember a name within the call
and close on goodbye. Exit 0 when it does, 1 when it does not.

  --outputs-file <file>  find the bot in the outputs a deploy wrote (npm run deploy writes cdk-outputs.json)
  --prefix <prefix>      find the bot in the stack <prefix>-bot (default: the prefix in cdk.json)
  --bot-id, --alias-id   name the bot alias directly
  --locale <id>          the bot locale to talk to
  --profile, --region    the AWS profile and region, as the AWS CLI finds them by default
  -h, --help             show this help`;

export async function smokeCli(argv: string[], log: (line: string) => void = console.log): Promise<number> {
  const { values } = parseCommandLine(argv, {
    'bot-id': { type: 'string' },
    'alias-id': { type: 'string' },
    locale: { type: 'string' },
    'outputs-file': { type: 'string' },
    prefix: { type: 'string' },
    profile: { type: 'string' },
    region: { type: 'string' },
  });
  if (values.help) {
    log(SMOKE_USAGE);
    return 0;
  }
  // Credentials and region first: without them, one line saying what to do, before any request.
  const lex = new LexRuntimeV2Client(awsClientConfig({ profile: values.profile, region: values.region }));
  await checkAwsAccess(lex, values.profile);
  const target = await resolveBotTarget({
    botId: values['bot-id'],
    aliasId: values['alias-id'],
    locale: values.locale,
    outputsFile: values['outputs-file'],
    prefix: values.prefix,
    profile: values.profile,
    region: values.region,
  });
  log(`Smoke test of bot ${target.botId}, alias ${target.botAliasId}, locale ${target.localeId}`);
  const result = await runSmokeTest(createDeployedBot(target, lex), log);
  if (result.passed) {
    log('PASS: the bot answers, remembers within the call, and closes on goodbye.');
    return 0;
  }
  for (const failure of result.failures) log(`FAIL: ${failure}`);
  return 1;
}
