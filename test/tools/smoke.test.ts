import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DependencyFailedException,
  LexRuntimeV2Client,
  RecognizeTextCommand,
  type RecognizeTextCommandInput,
  type RecognizeTextCommandOutput,
} from '@aws-sdk/client-lex-runtime-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { botDefinition } from '../../lib/definition/bot';
import { createDeployedBot } from '../../tools/deployed-bot';
import { resolveBotTarget } from '../../tools/deployed-bot';
import { runSmokeTest } from '../../tools/smoke';

const lex = mockClient(LexRuntimeV2Client);
const cloudFormation = mockClient(CloudFormationClient);
const target = { botId: 'BOT123', botAliasId: 'ALIAS45', localeId: 'en_US', region: 'eu-west-2' };

function reply(
  input: RecognizeTextCommandInput,
  text: string | undefined,
  intent: string,
  action: string,
): RecognizeTextCommandOutput {
  return {
    $metadata: {},
    sessionId: input.sessionId,
    messages: text === undefined ? [] : [{ contentType: 'PlainText', content: text }],
    sessionState: {
      dialogAction: { type: action as 'Close' },
      intent: { name: intent, state: action === 'Close' ? 'ReadyForFulfillment' : 'Fulfilled' },
      sessionAttributes: input.sessionState?.sessionAttributes,
    },
  };
}

/** A stand-in for a healthy deployed bot: remembers a name per contact id, closes on goodbye. */
function healthyBot() {
  const memory = new Map<string, string>();
  return (input: RecognizeTextCommandInput): RecognizeTextCommandOutput => {
    const contactId = input.sessionState?.sessionAttributes?.contactId ?? '';
    const text = input.text ?? '';
    if (/^goodbye$/i.test(text)) return reply(input, undefined, 'Goodbye', 'Close');
    const named = /my name is (\w+)/i.exec(text);
    if (named) {
      memory.set(contactId, named[1]);
      return reply(input, `Nice to meet you, ${named[1]}.`, 'FallbackIntent', 'ElicitIntent');
    }
    if (/what is my name/i.test(text)) {
      const name = memory.get(contactId);
      return reply(input, name ? `Your name is ${name}.` : "I don't know your name.", 'FallbackIntent', 'ElicitIntent');
    }
    return reply(input, 'Sure.', 'FallbackIntent', 'ElicitIntent');
  };
}

const quiet = () => undefined;

beforeEach(() => {
  lex.reset();
  cloudFormation.reset();
});

describe('smoke test', () => {
  test('a healthy bot passes: it answers, remembers the name within the call, and closes on goodbye', async () => {
    lex.on(RecognizeTextCommand).callsFake(healthyBot());
    const log: string[] = [];
    const result = await runSmokeTest(createDeployedBot(target, new LexRuntimeV2Client({ region: 'eu-west-2' })), (l) =>
      log.push(l),
    );
    expect(result).toEqual({ passed: true, failures: [] });

    const calls = lex.commandCalls(RecognizeTextCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(3);
    // One fresh session for the whole call, with the contact id set as the contact flow sets it.
    expect(new Set(calls.map((input) => input.sessionId)).size).toBe(1);
    expect(calls[0].sessionId).toMatch(/^smoke-/);
    expect(calls.every((input) => input.sessionState?.sessionAttributes?.contactId === calls[0].sessionId)).toBe(true);
    expect(calls[0]).toEqual(expect.objectContaining({ botId: 'BOT123', botAliasId: 'ALIAS45', localeId: 'en_US' }));
    expect(log).toContain('bot:    Your name is Ada.   [FallbackIntent / ElicitIntent]');
  });

  test('each run uses a new session, so memory from an earlier run cannot make it pass', async () => {
    lex.on(RecognizeTextCommand).callsFake(healthyBot());
    const bot = createDeployedBot(target, new LexRuntimeV2Client({ region: 'eu-west-2' }));
    await runSmokeTest(bot, quiet);
    await runSmokeTest(bot, quiet);
    const sessions = new Set(lex.commandCalls(RecognizeTextCommand).map((call) => call.args[0].input.sessionId));
    expect(sessions.size).toBe(2);
  });

  test('a bot that answers with its error line fails, naming the cause', async () => {
    lex
      .on(RecognizeTextCommand)
      .callsFake((input) => reply(input, botDefinition.messages.dontKnow, 'FallbackIntent', 'ElicitIntent'));
    const result = await runSmokeTest(
      createDeployedBot(target, new LexRuntimeV2Client({ region: 'eu-west-2' })),
      quiet,
    );
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      expect.stringMatching(
        /^Step 1 \(the function answers a free-form question\): .*error line \(the model is not configured/,
      ),
    ]);
  });

  test('a silent bot fails', async () => {
    lex.on(RecognizeTextCommand).callsFake((input) => reply(input, undefined, 'FallbackIntent', 'ElicitIntent'));
    const result = await runSmokeTest(
      createDeployedBot(target, new LexRuntimeV2Client({ region: 'eu-west-2' })),
      quiet,
    );
    expect(result.failures).toEqual([
      'Step 1 (the function answers a free-form question): the bot said nothing (silence)',
    ]);
  });

  test('a bot that forgets between turns fails on memory', async () => {
    lex
      .on(RecognizeTextCommand)
      .callsFake((input) =>
        reply(input, /name\?/.test(input.text ?? '') ? "I don't know." : 'Hello!', 'FallbackIntent', 'ElicitIntent'),
      );
    const result = await runSmokeTest(
      createDeployedBot(target, new LexRuntimeV2Client({ region: 'eu-west-2' })),
      quiet,
    );
    expect(result.failures).toEqual([
      expect.stringMatching(/^Step 2 \(the call memory carries .*does not mention "Ada"/),
    ]);
  });

  test('goodbye that does not close fails', async () => {
    const healthy = healthyBot();
    lex
      .on(RecognizeTextCommand)
      .callsFake((input) =>
        /goodbye/i.test(input.text ?? '') ? reply(input, 'Bye?', 'FallbackIntent', 'ElicitIntent') : healthy(input),
      );
    const result = await runSmokeTest(
      createDeployedBot(target, new LexRuntimeV2Client({ region: 'eu-west-2' })),
      quiet,
    );
    expect(result.failures).toEqual([
      'Step 3 (goodbye ends the conversation with the bot): expected intent Goodbye, got FallbackIntent',
      'Step 3 (goodbye ends the conversation with the bot): expected the dialog to Close, got ElicitIntent',
    ]);
  });

  test('a function that crashes (Lex DependencyFailedException) fails with the error', async () => {
    lex.on(RecognizeTextCommand).rejects(
      new DependencyFailedException({
        $metadata: {},
        message: 'Invalid Lambda Response: Received error response from Lambda',
      }),
    );
    const result = await runSmokeTest(
      createDeployedBot(target, new LexRuntimeV2Client({ region: 'eu-west-2' })),
      quiet,
    );
    expect(result.failures).toEqual([
      'Step 1 (the function answers a free-form question): Lex refused the turn: DependencyFailedException: Invalid Lambda Response: Received error response from Lambda',
    ]);
  });
});

describe('which bot the smoke test talks to', () => {
  const client = () => new CloudFormationClient({ region: 'eu-west-2' });

  test('from the deploy job outputs file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-'));
    const file = join(dir, 'cdk-outputs.json');
    writeFileSync(
      file,
      JSON.stringify({
        'chalkbot-contact-center': { ConnectInstanceArn: 'arn:aws:connect:eu-west-2:111111111111:instance/x' },
        'chalkbot-bot': { BotId: 'B1', BotAliasId: 'A1', BotLocaleId: 'en_GB' },
      }),
    );
    await expect(resolveBotTarget({ outputsFile: file }, client())).resolves.toEqual(
      expect.objectContaining({ botId: 'B1', botAliasId: 'A1', localeId: 'en_GB' }),
    );
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  test('from the deployed bot stack', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'demo-bot' }).resolves({
      Stacks: [
        {
          StackName: 'demo-bot',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'BotId', OutputValue: 'B2' },
            { OutputKey: 'BotAliasId', OutputValue: 'A2' },
          ],
        },
      ],
    });
    await expect(resolveBotTarget({ prefix: 'demo' }, client())).resolves.toEqual(
      expect.objectContaining({ botId: 'B2', botAliasId: 'A2', localeId: botDefinition.localeId }),
    );
  });

  test('a stack that is not deployed is a clear error', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Stack with id demo-bot does not exist'));
    await expect(resolveBotTarget({ prefix: 'demo' }, client())).rejects.toThrow(
      'Stack demo-bot is not deployed in eu-west-2. Deploy first (npm run deploy), or check --region/--profile.',
    );
  });

  test('flags win, and must come in pairs', async () => {
    await expect(resolveBotTarget({ botId: 'B', aliasId: 'A' }, client())).resolves.toEqual(
      expect.objectContaining({ botId: 'B', botAliasId: 'A', localeId: 'en_US' }),
    );
    await expect(resolveBotTarget({ botId: 'B' }, client())).rejects.toThrow(/both --bot-id and --alias-id/);
  });
});
