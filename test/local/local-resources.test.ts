import type { FlowFile } from '../../lib/flow/flow-file';
import { LOCAL_BOT_ALIAS_ARN, localQueueArn, localQueueName, resolveLocalFlow } from '../../local/local-resources';

function flowWith(parameters: Record<string, unknown>): FlowFile {
  return {
    Name: 'test',
    Type: 'CONTACT_FLOW',
    Content: {
      Version: '2019-10-30',
      StartAction: 'a',
      Actions: [{ Identifier: 'a', Type: 'X', Parameters: parameters, Transitions: {} }],
    },
  };
}

test('placeholders become the local stand-ins: our bot alias, a queue ARN carrying its name, the voice', () => {
  const content = resolveLocalFlow(
    flowWith({
      LexV2Bot: { AliasArn: '${LEX_BOT_ALIAS_ARN}' },
      QueueId: '${QUEUE_ARN:Billing "A" / B}',
      TextToSpeechVoice: '${VOICE}',
    }),
    'Matthew',
  );
  const { Parameters } = content.Actions[0];
  expect(Parameters).toEqual({
    LexV2Bot: { AliasArn: LOCAL_BOT_ALIAS_ARN },
    QueueId: localQueueArn('Billing "A" / B'),
    TextToSpeechVoice: 'Matthew',
  });
  expect(localQueueName(Parameters.QueueId as string)).toBe('Billing "A" / B');
});

test('an ARN that is not a local queue has no queue name', () => {
  expect(localQueueName('arn:aws:connect:eu-west-1:123:instance/x/queue/abc')).toBeUndefined();
});

test('an unknown placeholder fails naming it', () => {
  expect(() => resolveLocalFlow(flowWith({ Text: '${NOT_A_THING}' }))).toThrow(
    'Unresolved flow placeholders: ${NOT_A_THING}',
  );
});

test('other instance resources by name load as fake ARNs', () => {
  const content = resolveLocalFlow(
    flowWith({ PromptId: '${PROMPT_ARN:Welcome}', HoursOfOperationId: '${HOURS_ARN:Office}' }),
  );
  expect(content.Actions[0].Parameters).toEqual({
    PromptId: expect.stringMatching(/^arn:aws:connect:.*\/prompt\/Welcome$/),
    HoursOfOperationId: expect.stringMatching(/^arn:aws:connect:.*\/operating-hours\/Office$/),
  });
});
