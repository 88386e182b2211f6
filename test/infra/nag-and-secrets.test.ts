import { type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { appEnvironment, buildTestApp, inNode, nagFindings, templateOf } from './synth';

const EXISTING = {
  existingInstanceArn: 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555',
  existingPhoneNumberArn: 'arn:aws:connect:us-east-1:123456789012:phone-number/66666666-7777-8888-9999-000000000000',
};
const variants: [string, Record<string, unknown>][] = [
  ['new instance', {}],
  ['adopted instance', EXISTING],
  ['another prefix and a custom model endpoint', { prefix: 'demo', openAiBaseUrl: 'https://llm.example.com/v1' }],
  ['alarm email (encrypted topic)', { alarmEmail: 'oncall@example.com' }],
];

/** Every acknowledgment recorded on the construct tree below `scope`. */
function acknowledgments(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, unknown>).map(([id, value]) => ({
          path: construct.node.path,
          id,
          reason: typeof value === 'string' ? value : JSON.stringify(value),
        })),
      ),
  );
}

describe.each(variants)('cdk-nag AwsSolutions (%s)', (_name, context) => {
  const { contactCenter, bot } = buildTestApp(context);

  test.each([contactCenter, bot].map((s) => [s.stackName, s] as [string, Stack]))(
    '%s has no unacknowledged finding',
    (_n, stack) => {
      expect(nagFindings(stack)).toEqual([]);
    },
  );

  test('every acknowledgment says why', () => {
    const acks = [...acknowledgments(contactCenter), ...acknowledgments(bot)];
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^(Annotation::)?AwsSolutions-[A-Z0-9]+(\[.+\])?$/);
      // A reason is a sentence about this resource, not a placeholder.
      expect(ack.reason.length).toBeGreaterThan(40);
    }
  });
});

test('the check finds what it should: a bucket with none of the settings breaks AwsSolutions rules', () => {
  // The app is built outside jest's sandbox (test/infra/synth.ts); a check that could not see its constructs
  // would find nothing anywhere, and pass every test above.
  const { App, Stack, aws_s3: s3 } = inNode<typeof import('aws-cdk-lib')>('aws-cdk-lib');
  const stack = new Stack(new App(), 'Bare');
  new s3.Bucket(stack, 'Bucket');
  expect(nagFindings(stack)).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1 at /)]));
});

describe('no secret value in any template', () => {
  const FAKE_KEY = 'sk-test-chalkbot-0123456789abcdef';

  test.each(variants)('%s', (_name, context) => {
    // Even with a key lying around in the environment, nothing of it may reach a template.
    const saved = appEnvironment.OPENAI_API_KEY;
    appEnvironment.OPENAI_API_KEY = FAKE_KEY;
    try {
      const { contactCenter, bot } = buildTestApp(context);
      for (const stack of [contactCenter, bot]) {
        const text = JSON.stringify(templateOf(stack).toJSON());
        expect(text).not.toContain(FAKE_KEY);
        expect(text).not.toMatch(/"sk-[A-Za-z0-9_-]{8,}/);
        expect(text).not.toMatch(/"Password"\s*:\s*"/);
        // A secret is generated (GenerateSecretString) or set out of band, never given a SecretString here.
        expect(text).not.toContain('"SecretString":');
        // Secrets reach templates only as dynamic references or ARNs.
        for (const password of text.matchAll(/"Password":(\{[^}]*\})/g))
          expect(password[1]).toContain('{{resolve:secretsmanager:');
      }
    } finally {
      if (saved === undefined) delete appEnvironment.OPENAI_API_KEY;
      else appEnvironment.OPENAI_API_KEY = saved;
    }
  });
});
