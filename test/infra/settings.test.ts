import { App } from 'aws-cdk-lib';
import { DEFAULT_OPENAI_MODEL } from '../../lib/definition/function-settings';
import {
  functionImageRepositoryName,
  memoryExpirySeconds,
  readSettings,
  SETTING_DEFAULTS,
  SettingsError,
  unknownSettingProblems,
} from '../../lib/settings';
import { cdkJsonContext, inNode } from './synth';

const settingsFrom = (context: Record<string, unknown>) => readSettings(new App({ context }).node);

describe('settings', () => {
  test('cdk.json states every default the module falls back to', () => {
    const context = cdkJsonContext();
    for (const [key, value] of Object.entries(SETTING_DEFAULTS)) expect(context[key]).toEqual(value);
  });

  test('with no model set, the app deploys the model the function itself falls back to', () => {
    expect(settingsFrom({}).openAiModel).toBe(DEFAULT_OPENAI_MODEL);
  });

  test('defaults: the instance alias follows the prefix and memory lasts a day', () => {
    const settings = settingsFrom(cdkJsonContext());
    expect(settings.prefix).toBe('chalkbot');
    expect(settings.instanceAlias).toBe('chalkbot');
    expect(settings.existingInstanceArn).toBeUndefined();
    expect(memoryExpirySeconds(settings)).toBe(86_400);
    expect(functionImageRepositoryName(settings)).toBe('chalkbot-answer-function');
  });

  test('-c values arrive as strings and are parsed', () => {
    const settings = settingsFrom({
      prefix: 'demo',
      memoryExpiryDays: '0.5',
      phoneType: 'toll_free',
      phoneCountry: 'gb',
    });
    expect(settings.instanceAlias).toBe('demo');
    expect(memoryExpirySeconds(settings)).toBe(43_200);
    expect(settings.phoneType).toBe('TOLL_FREE');
    expect(settings.phoneCountry).toBe('GB');
  });

  test('an explicit instance alias wins over the prefix', () => {
    expect(settingsFrom({ prefix: 'demo', instanceAlias: 'acme-chalkbot-7' }).instanceAlias).toBe('acme-chalkbot-7');
  });

  test('a bad prefix is one problem: the alias it would have become is not reported as well', () => {
    expect(() => settingsFrom({ prefix: 'Bad_Prefix' })).toThrow(SettingsError);
    try {
      settingsFrom({ prefix: 'Bad_Prefix' });
    } catch (error) {
      expect((error as SettingsError).problems).toEqual([
        expect.stringMatching(/^prefix "Bad_Prefix" must be lower case/),
      ]);
    }
  });

  test("an unknown setting is a problem naming the closest known key; the CDK's own keys are left alone", () => {
    expect(unknownSettingProblems({ prefx: 'demo', gitlabProjecPath: 'a/b', zzz: 1 })).toEqual([
      'unknown setting prefx (did you mean prefix?)',
      'unknown setting gitlabProjecPath (did you mean gitlabProjectPath?)',
      'unknown setting zzz',
    ]);
    expect(
      unknownSettingProblems({
        ...cdkJsonContext(),
        gitlabUrl: 'https://gitlab.example.com',
        'acknowledged-issue-numbers': [1],
        'availability-zones:account=1:region=x': [],
        'aws:cdk:enable-path-metadata': true,
      }),
    ).toEqual([]);
    expect(() => settingsFrom({ prefx: 'demo' })).toThrow(/unknown setting prefx \(did you mean prefix\?\)/);
  });

  test.each([
    [{ prefix: 'Demo' }, /prefix "Demo"/],
    [{ prefix: 'demo--x' }, /prefix "demo--x"/],
    [{ prefix: 'a'.repeat(25) }, /at most 24/],
    [{ instanceAlias: 'd-1234' }, /instanceAlias "d-1234"/],
    [{ instanceAlias: 'a'.repeat(46) }, /at most 45/],
    [{ instanceAlias: 'has space' }, /instanceAlias "has space"/],
    [{ existingInstanceArn: 'arn:aws:connect:us-east-1:123:instance/x' }, /not a Connect instance ARN/],
    [{ phoneType: 'MOBILE' }, /phoneType "MOBILE"/],
    [{ memoryExpiryDays: 'forever' }, /memoryExpiryDays "forever"/],
    [{ memoryExpiryDays: '0' }, /memoryExpiryDays/],
    [{ openAiBaseUrl: 'localhost:8080' }, /openAiBaseUrl/],
    [{ orderLookupUrl: 'http://shop.example.com/orders/{orderId}' }, /orderLookupUrl .* must be an https URL/],
    [{ orderLookupUrl: 'https://shop.example.com/orders' }, /with \{orderId\} where the order id goes/],
    [
      { orderLookupUrl: 'https://shop.example.com/orders/{orderId}', orderLookupTokenSecretArn: 'my-token' },
      /full ARN/,
    ],
    [
      { orderLookupTokenSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:t-AbCdEf' },
      /set orderLookupUrl too/,
    ],
    [{ transcriptRetentionDays: '0' }, /transcriptRetentionDays "0"/],
    [{ transcriptRetentionDays: '7.5' }, /whole number of days/],
    [{ lexAudioLogs: 'yes' }, /lexAudioLogs "yes" must be true or false/],
    [
      {
        lexAudioLogs: 'true',
        existingInstanceArn: 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555',
      },
      /lexAudioLogs writes to the recordings bucket/,
    ],
  ])('%j is refused with a message naming it', (context, message) => {
    expect(() => settingsFrom(context)).toThrow(message);
  });

  test('all problems are reported at once', () => {
    expect(() => settingsFrom({ prefix: 'Bad', phoneType: 'X' })).toThrow(/prefix "Bad"[\s\S]*phoneType "X"/);
  });

  test('the app entry (bin/chalkbot.ts) answers bad settings with one line per problem and exit code 1', () => {
    // As `npx cdk synth -c prefix=Bad_Prefix -c prefx=demo` runs it: cdk.json's context and the -c values. Loaded
    // as the app is (test/infra/synth.ts), so the SettingsError it catches is its own class.
    const { runChalkbotApp } = inNode<typeof import('../../lib/app')>('../../lib/app');
    const cdk = inNode<typeof import('aws-cdk-lib')>('aws-cdk-lib');
    const app = new cdk.App({ context: { ...cdkJsonContext(), prefix: 'Bad_Prefix', prefx: 'demo' } });
    const written: string[] = [];

    expect(runChalkbotApp(app, (line) => written.push(line))).toBe(1);
    expect(written).toEqual([
      'Setting error: unknown setting prefx (did you mean prefix?)\n',
      expect.stringMatching(/^Setting error: prefix "Bad_Prefix" must be lower case.*\n$/),
    ]);
    expect(app.node.children).toEqual([]);
  });
});
