import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ConnectClient,
  type ContactFlowType,
  CreateContactFlowCommand,
  DescribeContactFlowCommand,
  InvalidContactFlowException,
  ListContactFlowModulesCommand,
  ListContactFlowsCommand,
  ListHoursOfOperationsCommand,
  ListLambdaFunctionsCommand,
  ListPromptsCommand,
  ListQueuesCommand,
  UpdateContactFlowContentCommand,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import type { FlowAction, FlowContent, FlowFile } from '../../lib/flow/flow-file';
import { flowsCli } from '../../tools/flows/cli';
import { exportFlow } from '../../tools/flows/export-flow';
import { normalizeContent } from '../../tools/flows/flow-json';
import { importFlows } from '../../tools/flows/import-flows';

const connectMock = mockClient(ConnectClient);
const cloudFormationMock = mockClient(CloudFormationClient);
const connect = () => new ConnectClient({ region: 'eu-west-2' });

interface StoredFlow {
  name: string;
  type: ContactFlowType;
  content: string;
  status: 'SAVED' | 'PUBLISHED';
  description?: string;
}

/**
 * A Connect instance behind the mocked API: its lists page one item at a time (so pagination is exercised),
 * flows are described, created and updated in memory.
 */
class FakeInstance {
  readonly flows = new Map<string, StoredFlow>();
  readonly writes: string[] = [];
  private nextFlow = 1;

  constructor(
    readonly id: string,
    readonly account: string,
    readonly resources: {
      queues: Record<string, string>;
      prompts: Record<string, string>;
      lambdas: string[];
    },
  ) {}

  get arn(): string {
    return `arn:aws:connect:eu-west-2:${this.account}:instance/${this.id}`;
  }
  queueArn(name: string): string {
    return `${this.arn}/queue/${this.resources.queues[name]}`;
  }
  promptArn(name: string): string {
    return `${this.arn}/prompt/${this.resources.prompts[name]}`;
  }
  flowArn(id: string): string {
    return `${this.arn}/contact-flow/${id}`;
  }
  lambdaArn(name: string): string {
    return `arn:aws:lambda:eu-west-2:${this.account}:function:${name}`;
  }
  botAliasArn(): string {
    return `arn:aws:lex:eu-west-2:${this.account}:bot-alias/BOT${this.id.slice(0, 4)}/ALIAS${this.id.slice(0, 4)}`;
  }
  flowIdByName(name: string): string | undefined {
    return [...this.flows].find(([, flow]) => flow.name === name)?.[0];
  }

  addFlow(
    name: string,
    type: ContactFlowType,
    content: unknown,
    status: StoredFlow['status'] = 'PUBLISHED',
    description = 'A flow',
  ): string {
    const id = `${this.id.slice(0, 4)}-flow-${this.nextFlow++}`;
    this.flows.set(id, { name, type, content: JSON.stringify(content), status, description });
    return id;
  }

  install(): void {
    connectMock.reset();
    const page = <T>(items: T[], token: string | undefined) => {
      const index = token ? Number(token) : 0;
      return { items: items.slice(index, index + 1), next: index + 1 < items.length ? String(index + 1) : undefined };
    };
    const mine = (input: { InstanceId?: string }) => {
      if (input.InstanceId !== this.id) throw new Error(`wrong instance ${input.InstanceId}`);
    };
    connectMock.on(ListQueuesCommand).callsFake((input) => {
      mine(input);
      const { items, next } = page(Object.keys(this.resources.queues), input.NextToken);
      return {
        QueueSummaryList: items.map((name) => ({
          Name: name,
          Arn: this.queueArn(name),
          Id: this.resources.queues[name],
        })),
        NextToken: next,
      };
    });
    connectMock.on(ListPromptsCommand).callsFake((input) => {
      const { items, next } = page(Object.keys(this.resources.prompts), input.NextToken);
      return { PromptSummaryList: items.map((name) => ({ Name: name, Arn: this.promptArn(name) })), NextToken: next };
    });
    connectMock.on(ListContactFlowsCommand).callsFake((input) => {
      const { items, next } = page([...this.flows], input.NextToken);
      return {
        ContactFlowSummaryList: items.map(([id, flow]) => ({
          Id: id,
          Arn: this.flowArn(id),
          Name: flow.name,
          ContactFlowType: flow.type,
        })),
        NextToken: next,
      };
    });
    connectMock.on(ListContactFlowModulesCommand).resolves({ ContactFlowModulesSummaryList: [] });
    connectMock.on(ListHoursOfOperationsCommand).resolves({ HoursOfOperationSummaryList: [] });
    connectMock.on(ListLambdaFunctionsCommand).callsFake((input) => {
      const { items, next } = page(this.resources.lambdas, input.NextToken);
      return { LambdaFunctions: items.map((name) => this.lambdaArn(name)), NextToken: next };
    });
    connectMock.on(DescribeContactFlowCommand).callsFake((input) => {
      mine(input);
      const [id, version] = String(input.ContactFlowId).split(':');
      const flow = this.flows.get(id);
      if (!flow) throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
      if (flow.status === 'SAVED' && version !== '$SAVED') {
        throw Object.assign(new Error('not published'), { name: 'ContactFlowNotPublishedException' });
      }
      return {
        ContactFlow: {
          Id: id,
          Arn: this.flowArn(id),
          Name: flow.name,
          Type: flow.type,
          Content: flow.content,
          Description: flow.description,
        },
      };
    });
    connectMock.on(CreateContactFlowCommand).callsFake((input) => {
      mine(input);
      this.writes.push(`create ${input.Name} ${input.Status}`);
      const id = this.addFlow(
        input.Name!,
        input.Type!,
        JSON.parse(input.Content!),
        input.Status === 'SAVED' ? 'SAVED' : 'PUBLISHED',
        input.Description,
      );
      return { ContactFlowId: id, ContactFlowArn: this.flowArn(id) };
    });
    connectMock.on(UpdateContactFlowContentCommand).callsFake((input) => {
      mine(input);
      const flow = this.flows.get(input.ContactFlowId!)!;
      this.writes.push(`update ${flow.name}`);
      flow.content = input.Content!;
      flow.status = 'PUBLISHED';
      return {};
    });
  }
}

function instanceA(): FakeInstance {
  return new FakeInstance('aaaa1111-0000-4000-8000-000000000001', '111111111111', {
    queues: { BasicQueue: 'qa-basic', 'Chalkbot support': 'qa-support' },
    prompts: { 'Welcome chime': 'pa-chime' },
    lambdas: ['other-function', 'chalkbot-lookup'],
  });
}

function instanceB(): FakeInstance {
  return new FakeInstance('bbbb2222-0000-4000-8000-000000000002', '222222222222', {
    queues: { 'Chalkbot support': 'qb-support' },
    prompts: { 'Welcome chime': 'pb-chime' },
    lambdas: ['chalkbot-lookup'],
  });
}

/** The inbound flow as the designer saves it in an instance: real ARNs, fractional positions, unsorted keys. */
function designerFlow(instance: FakeInstance, afterHoursFlowArn: string): FlowContent {
  return {
    Version: '2019-10-30',
    StartAction: 'set-voice',
    Metadata: {
      entryPointPosition: { y: 40.25, x: 20.6 },
      ActionMetadata: {
        'set-queue': {
          position: { x: 612.4, y: 98.5 },
          parameters: { QueueId: { displayName: 'Chalkbot support', id: instance.queueArn('Chalkbot support') } },
        },
        'talk-to-bot': { position: { x: 300.49, y: 10 }, lexV2BotName: 'chalkbot' },
      },
    },
    Actions: [
      {
        Identifier: 'set-voice',
        Type: 'UpdateContactTextToSpeechVoice',
        Parameters: { TextToSpeechVoice: 'Joanna', TextToSpeechEngine: 'Neural' },
        Transitions: { NextAction: 'chime', Errors: [{ NextAction: 'chime', ErrorType: 'NoMatchingError' }] },
      },
      {
        Identifier: 'chime',
        Type: 'MessageParticipant',
        Parameters: { PromptId: instance.promptArn('Welcome chime') },
        Transitions: { NextAction: 'lookup', Errors: [{ NextAction: 'lookup', ErrorType: 'NoMatchingError' }] },
      },
      {
        Identifier: 'lookup',
        Type: 'InvokeLambdaFunction',
        Parameters: { LambdaFunctionARN: instance.lambdaArn('chalkbot-lookup'), InvocationTimeLimitSeconds: '3' },
        Transitions: {
          NextAction: 'talk-to-bot',
          Errors: [{ NextAction: 'talk-to-bot', ErrorType: 'NoMatchingError' }],
        },
      },
      {
        Identifier: 'talk-to-bot',
        Type: 'ConnectParticipantWithLexBot',
        Parameters: {
          Text: 'Hi',
          LexV2Bot: { AliasArn: instance.botAliasArn() },
          LexSessionAttributes: { contactId: '$.ContactId' },
        },
        Transitions: { NextAction: 'set-queue', Errors: [{ NextAction: 'set-queue', ErrorType: 'NoMatchingError' }] },
      },
      {
        Identifier: 'set-queue',
        Type: 'UpdateContactTargetQueue',
        Parameters: { QueueId: instance.queueArn('Chalkbot support') },
        Transitions: {
          NextAction: 'after-hours',
          Errors: [{ NextAction: 'after-hours', ErrorType: 'NoMatchingError' }],
        },
      },
      {
        Identifier: 'after-hours',
        Type: 'TransferToFlow',
        Parameters: { ContactFlowId: afterHoursFlowArn },
        Transitions: { NextAction: 'hang-up', Errors: [{ NextAction: 'hang-up', ErrorType: 'NoMatchingError' }] },
      },
      { Identifier: 'hang-up', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
    ],
  };
}

const AFTER_HOURS: FlowContent = {
  Version: '2019-10-30',
  StartAction: 'bye',
  Actions: [
    {
      Identifier: 'bye',
      Type: 'MessageParticipant',
      Parameters: { Text: 'We are closed.' },
      Transitions: { NextAction: 'end', Errors: [{ NextAction: 'end', ErrorType: 'NoMatchingError' }] },
    },
    { Identifier: 'end', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} },
  ],
};

/** Instance A with both flows; the inbound flow is the last on the (paged) flow list. */
function seededA() {
  const a = instanceA();
  const afterHoursId = a.addFlow('Chalkbot after hours', 'CONTACT_FLOW', AFTER_HOURS);
  const original = designerFlow(a, a.flowArn(afterHoursId));
  const inboundId = a.addFlow('Chalkbot inbound', 'CONTACT_FLOW', original);
  a.install();
  return { a, original, inboundId };
}

const deploymentOf = (instance: FakeInstance) => ({ lexBotAliasArn: instance.botAliasArn(), voice: 'Joanna' });
const quiet = () => undefined;

beforeEach(() => {
  connectMock.reset();
  cloudFormationMock.reset();
});

describe('flow export', () => {
  test('replaces every instance value with a named placeholder and makes the metadata stable', async () => {
    const { a } = seededA();
    const file = await exportFlow(connect(), { instanceId: a.id, name: 'Chalkbot inbound' }, deploymentOf(a), quiet);

    expect(file).toEqual(
      expect.objectContaining({ Name: 'Chalkbot inbound', Type: 'CONTACT_FLOW', Description: 'A flow' }),
    );
    const params = Object.fromEntries(file.Content.Actions.map((action) => [action.Identifier, action.Parameters]));
    expect(params['set-voice'].TextToSpeechVoice).toBe('${VOICE}');
    expect(params.chime.PromptId).toBe('${PROMPT_ARN:Welcome chime}');
    expect(params.lookup.LambdaFunctionARN).toBe('${LAMBDA_ARN:chalkbot-lookup}');
    expect(params['talk-to-bot'].LexV2Bot).toEqual({ AliasArn: '${LEX_BOT_ALIAS_ARN}' });
    expect(params['set-queue'].QueueId).toBe('${QUEUE_ARN:Chalkbot support}');
    expect(params['after-hours'].ContactFlowId).toBe('${FLOW_ARN:Chalkbot after hours}');

    const metadata = file.Content.Metadata as any;
    expect(metadata.entryPointPosition).toEqual({ x: 21, y: 40 });
    expect(Object.keys(metadata.entryPointPosition)).toEqual(['x', 'y']);
    expect(metadata.ActionMetadata['set-queue'].parameters.QueueId.id).toBe('${QUEUE_ARN:Chalkbot support}');
    expect(JSON.stringify(file)).not.toMatch(/arn:aws|aaaa1111/);
  });

  test('a flow that names something outside the instance fails, with the path of each leftover', async () => {
    const a = instanceA();
    const foreignQueue = 'arn:aws:connect:eu-west-2:999999999999:instance/other/queue/q-x';
    const content = designerFlow(
      a,
      'arn:aws:connect:eu-west-2:111111111111:instance/aaaa1111-0000-4000-8000-000000000001/contact-flow/deleted',
    );
    (content.Actions[4].Parameters as any).QueueId = foreignQueue;
    a.addFlow('Chalkbot inbound', 'CONTACT_FLOW', content);
    a.install();
    const error = await exportFlow(
      connect(),
      { instanceId: a.id, name: 'Chalkbot inbound' },
      deploymentOf(a),
      quiet,
    ).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`Content.Actions[4].Parameters.QueueId: ${foreignQueue}`);
    expect((error as Error).message).toContain(
      'Content.Actions[5].Parameters.ContactFlowId: arn:aws:connect:eu-west-2:111111111111:instance/aaaa1111',
    );
  });

  test('an unknown name lists the flows that are there', async () => {
    const { a } = seededA();
    await expect(exportFlow(connect(), { instanceId: a.id, name: 'Nope' }, deploymentOf(a), quiet)).rejects.toThrow(
      'No flow named "Nope" in instance aaaa1111-0000-4000-8000-000000000001. Flows there: "Chalkbot after hours", "Chalkbot inbound"',
    );
  });

  test('a flow that was only ever saved is exported from its saved content', async () => {
    const a = instanceA();
    a.addFlow('Chalkbot after hours', 'CONTACT_FLOW', AFTER_HOURS, 'SAVED');
    a.install();
    const log: string[] = [];
    const file = await exportFlow(connect(), { instanceId: a.id, name: 'Chalkbot after hours' }, deploymentOf(a), (l) =>
      log.push(l),
    );
    expect(file.Content.Actions).toEqual(AFTER_HOURS.Actions);
    expect(log.join('\n')).toMatch(/never published/);
  });
});

describe('flow import', () => {
  test('export then import reproduces the original content', async () => {
    const { a, original, inboundId } = seededA();
    const file = await exportFlow(connect(), { instanceId: a.id, name: 'Chalkbot inbound' }, deploymentOf(a), quiet);

    // Someone breaks the flow in the designer; importing the repo's file puts it back.
    a.flows.get(inboundId)!.content = JSON.stringify(AFTER_HOURS);
    const ok = await importFlows(
      connect(),
      { instanceId: a.id, files: [{ path: 'inbound.json', flow: file }] },
      deploymentOf(a),
      quiet,
    );

    expect(ok).toBe(true);
    expect(a.writes).toEqual(['update Chalkbot inbound']);
    expect(JSON.parse(a.flows.get(inboundId)!.content)).toEqual(normalizeContent(original));
  });

  test('an unchanged flow is left alone', async () => {
    const { a } = seededA();
    const file = await exportFlow(connect(), { instanceId: a.id, name: 'Chalkbot inbound' }, deploymentOf(a), quiet);
    const log: string[] = [];
    await importFlows(
      connect(),
      { instanceId: a.id, files: [{ path: 'inbound.json', flow: file }] },
      deploymentOf(a),
      (l) => log.push(l),
    );
    expect(a.writes).toEqual([]);
    expect(log).toEqual(['"Chalkbot inbound" is unchanged']);
  });

  test('into another instance: missing flows are created as saved stubs first, so forward references resolve', async () => {
    const { a } = seededA();
    const inbound = await exportFlow(connect(), { instanceId: a.id, name: 'Chalkbot inbound' }, deploymentOf(a), quiet);
    const afterHours = await exportFlow(
      connect(),
      { instanceId: a.id, name: 'Chalkbot after hours' },
      deploymentOf(a),
      quiet,
    );

    const b = instanceB();
    b.install();
    // The inbound flow comes first and refers forward to the after-hours flow.
    const files = [
      { path: 'chalkbot-inbound.json', flow: inbound },
      { path: 'chalkbot-after-hours.json', flow: afterHours },
    ];
    expect(await importFlows(connect(), { instanceId: b.id, files }, deploymentOf(b), quiet)).toBe(true);

    expect(b.writes).toEqual([
      'create Chalkbot inbound SAVED',
      'create Chalkbot after hours SAVED',
      'update Chalkbot inbound',
      'update Chalkbot after hours',
    ]);
    const inB = JSON.parse(b.flows.get(b.flowIdByName('Chalkbot inbound')!)!.content);
    expect(inB).toEqual(normalizeContent(designerFlow(b, b.flowArn(b.flowIdByName('Chalkbot after hours')!))));
  });

  test('a flow Connect rejects prints its problems and fails the import', async () => {
    const { a, inboundId } = seededA();
    const file = await exportFlow(connect(), { instanceId: a.id, name: 'Chalkbot inbound' }, deploymentOf(a), quiet);
    a.flows.get(inboundId)!.content = JSON.stringify(AFTER_HOURS);
    connectMock.on(UpdateContactFlowContentCommand).rejects(
      new InvalidContactFlowException({
        $metadata: {},
        message: 'The flow is not valid.',
        problems: [{ message: 'Lex bot alias is not associated with the instance' }, { message: 'Queue not found' }],
      }),
    );
    const log: string[] = [];
    const ok = await importFlows(
      connect(),
      { instanceId: a.id, files: [{ path: 'inbound.json', flow: file }] },
      deploymentOf(a),
      (l) => log.push(l),
    );
    expect(ok).toBe(false);
    expect(log).toEqual([
      'Connect rejected "Chalkbot inbound" (inbound.json):',
      '  - Lex bot alias is not associated with the instance',
      '  - Queue not found',
    ]);
  });

  test('a placeholder the instance cannot fill is named, and that flow is not sent', async () => {
    const b = instanceB();
    b.addFlow('Chalkbot inbound', 'CONTACT_FLOW', AFTER_HOURS);
    b.install();
    const setQueue: FlowAction = {
      Identifier: 'set-queue',
      Type: 'UpdateContactTargetQueue',
      Parameters: { QueueId: '${QUEUE_ARN:BasicQueue}' },
      Transitions: { NextAction: 'bye', Errors: [{ NextAction: 'bye', ErrorType: 'NoMatchingError' }] },
    };
    const flow: FlowFile = {
      Name: 'Chalkbot inbound',
      Type: 'CONTACT_FLOW',
      Content: { ...AFTER_HOURS, StartAction: 'set-queue', Actions: [setQueue, ...AFTER_HOURS.Actions] },
    };
    const log: string[] = [];
    expect(
      await importFlows(connect(), { instanceId: b.id, files: [{ path: 'x.json', flow }] }, deploymentOf(b), (l) =>
        log.push(l),
      ),
    ).toBe(false);
    expect(log).toEqual([
      'Nothing was imported: these placeholders have no value in this instance or deployment:',
      '  - "Chalkbot inbound" (x.json): Unresolved flow placeholders: ${QUEUE_ARN:BasicQueue}',
    ]);
    expect(b.writes).toEqual([]);
  });

  test('before the bot stack exists: nothing is created, not even a stub, and the reason is named', async () => {
    const b = instanceB();
    b.install();
    const repoFlow = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'contact-flows', 'chalkbot-inbound.json'), 'utf8'),
    ) as FlowFile;
    const log: string[] = [];
    const noBotStack = { voice: 'Joanna' };
    expect(
      await importFlows(
        connect(),
        { instanceId: b.id, files: [{ path: 'in.json', flow: repoFlow }] },
        noBotStack,
        (l) => log.push(l),
      ),
    ).toBe(false);
    expect(b.writes).toEqual([]);
    expect(connectMock.commandCalls(CreateContactFlowCommand)).toHaveLength(0);
    expect(log.join('\n')).toMatch(/Unresolved flow placeholders: \$\{LEX_BOT_ALIAS_ARN\}[\s\S]*deploy it first/);
  });

  test('a file that fails the flow check stops the whole import before anything is written, listing every problem', async () => {
    const b = instanceB();
    b.install();
    const broken: FlowFile = {
      Name: 'Chalkbot broken',
      Type: 'CONTACT_FLOW',
      Content: {
        ...AFTER_HOURS,
        Actions: [{ ...AFTER_HOURS.Actions[0], Transitions: { NextAction: 'nowhere' } }, AFTER_HOURS.Actions[1]],
      },
    };
    const fine: FlowFile = { Name: 'Chalkbot after hours', Type: 'CONTACT_FLOW', Content: AFTER_HOURS };
    const files = [
      { path: 'after-hours.json', flow: fine },
      { path: 'broken.json', flow: broken },
    ];
    const log: string[] = [];
    for (const dryRun of [false, true]) {
      log.length = 0;
      expect(
        await importFlows(connect(), { instanceId: b.id, files, dryRun }, deploymentOf(b), (l) => log.push(l)),
      ).toBe(false);
      expect(log).toEqual([
        'Nothing was imported: the flow check found these problems:',
        '  - "Chalkbot broken" (broken.json): action "bye" (MessageParticipant): NextAction "nowhere" is not an action of this flow',
      ]);
    }
    // Not even the valid file went in, nor was the instance asked anything.
    expect(b.writes).toEqual([]);
    expect(connectMock.calls()).toHaveLength(0);
  });

  test('--dry-run shows what would change and writes nothing', async () => {
    const { a, inboundId } = seededA();
    const file = await exportFlow(connect(), { instanceId: a.id, name: 'Chalkbot inbound' }, deploymentOf(a), quiet);
    // Someone switched the voice in the designer.
    const live = JSON.parse(a.flows.get(inboundId)!.content);
    live.Actions[0].Parameters.TextToSpeechVoice = 'Matthew';
    a.flows.get(inboundId)!.content = JSON.stringify(live);
    // The repo file gains a brand-new flow too.
    const newFlow: FlowFile = { Name: 'Chalkbot holiday', Type: 'CONTACT_FLOW', Content: AFTER_HOURS };
    const log: string[] = [];
    const ok = await importFlows(
      connect(),
      {
        instanceId: a.id,
        dryRun: true,
        files: [
          { path: 'inbound.json', flow: file },
          { path: 'holiday.json', flow: newFlow },
        ],
      },
      deploymentOf(a),
      (l) => log.push(l),
    );
    expect(ok).toBe(true);
    expect(a.writes).toEqual([]);
    expect(connectMock.commandCalls(UpdateContactFlowContentCommand)).toHaveLength(0);
    expect(connectMock.commandCalls(CreateContactFlowCommand)).toHaveLength(0);
    const text = log.join('\n');
    expect(text).toContain('would create "Chalkbot holiday" (CONTACT_FLOW) as a saved stub');
    expect(text).toContain('would update "Chalkbot inbound" from inbound.json:');
    expect(text).toMatch(/^ +- +"TextToSpeechVoice": "Matthew",\n +\+ +"TextToSpeechVoice": "Joanna",$/m);
    expect(text).not.toMatch(/^ +[-+] +"ContactFlowId"/m);
    expect(text).toContain('would update "Chalkbot holiday" from holiday.json:\n    + {');
  });
});

describe('npm run flows', () => {
  function stacks(a: FakeInstance) {
    cloudFormationMock.on(DescribeStacksCommand, { StackName: 'chalkbot-contact-center' }).resolves({
      Stacks: [
        {
          StackName: 'x',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'ConnectInstanceArn', OutputValue: a.arn }],
        },
      ],
    });
    cloudFormationMock.on(DescribeStacksCommand, { StackName: 'chalkbot-bot' }).resolves({
      Stacks: [
        {
          StackName: 'y',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'BotAliasArn', OutputValue: a.botAliasArn() }],
        },
      ],
    });
  }
  const clients = () => ({ connect: connect(), cloudFormation: new CloudFormationClient({ region: 'eu-west-2' }) });

  test('export writes the file; import of a rejected flow exits 1', async () => {
    const { a, inboundId } = seededA();
    stacks(a);
    const out = join(mkdtempSync(join(tmpdir(), 'flows-')), 'inbound.json');
    const log: string[] = [];
    expect(await flowsCli(['export', '--name', 'Chalkbot inbound', '--out', out], (l) => log.push(l), clients)).toBe(0);
    const written = JSON.parse(readFileSync(out, 'utf8')) as FlowFile;
    expect(written.Content.Actions[3].Parameters.LexV2Bot).toEqual({ AliasArn: '${LEX_BOT_ALIAS_ARN}' });
    expect(log).toContain(`exported "Chalkbot inbound" to ${out}`);

    a.flows.get(inboundId)!.content = '{}';
    connectMock
      .on(UpdateContactFlowContentCommand)
      .rejects(new InvalidContactFlowException({ $metadata: {}, message: 'bad', problems: [{ message: 'broken' }] }));
    expect(await flowsCli(['import', out], () => undefined, clients)).toBe(1);
  });

  test('export checks the file it wrote: a flow the repo would refuse is written, its problems listed, exit 1', async () => {
    const a = instanceA();
    // Published in the designer, but with a loop count above the flow language's limit of 100.
    const content: FlowContent = {
      ...AFTER_HOURS,
      StartAction: 'again',
      Actions: [
        {
          Identifier: 'again',
          Type: 'Loop',
          Parameters: { LoopCount: '500' },
          Transitions: {
            NextAction: 'end',
            Conditions: ['ContinueLooping', 'DoneLooping'].map((o) => ({
              NextAction: 'bye',
              Condition: { Operator: 'Equals', Operands: [o] },
            })),
          },
        },
        ...AFTER_HOURS.Actions,
      ],
    };
    a.addFlow('Chalkbot odd', 'CONTACT_FLOW', content);
    a.install();
    stacks(a);
    const out = join(mkdtempSync(join(tmpdir(), 'flows-')), 'odd.json');
    const log: string[] = [];
    expect(await flowsCli(['export', '--name', 'Chalkbot odd', '--out', out], (l) => log.push(l), clients)).toBe(1);
    expect((JSON.parse(readFileSync(out, 'utf8')) as FlowFile).Content.Actions[0].Type).toBe('Loop');
    expect(log.at(-2)).toBe(
      'The exported file does not pass the flow check; the stack and the import will refuse it until it does:',
    );
    expect(log.at(-1)).toContain(
      `  - "Chalkbot odd" (${out}): action "again" (Loop): LoopCount "500" must be a whole number from 0 to 100`,
    );
  });

  test('export of a flow with a block the check does not know: written, a warning printed, exit 0', async () => {
    const a = instanceA();
    const content: FlowContent = {
      ...AFTER_HOURS,
      Actions: [{ ...AFTER_HOURS.Actions[0], Type: 'ShowView' }, AFTER_HOURS.Actions[1]],
    };
    a.addFlow('Chalkbot view', 'CONTACT_FLOW', content);
    a.install();
    stacks(a);
    const out = join(mkdtempSync(join(tmpdir(), 'flows-')), 'view.json');
    const log: string[] = [];
    expect(await flowsCli(['export', '--name', 'Chalkbot view', '--out', out], (l) => log.push(l), clients)).toBe(0);
    expect(log).toContain(
      `warning: "Chalkbot view" (${out}): action "bye" (ShowView): action type not checked (not in ACTION_SPECS of lib/flow/validate.ts); Connect checks it on publish`,
    );
  });

  test('unknown commands print the usage', async () => {
    const log: string[] = [];
    expect(await flowsCli(['publish'], (l) => log.push(l), clients)).toBe(2);
    expect(log[0]).toMatch(/^Usage:/);
  });

  test("the repo's own flow file round-trips through an instance", async () => {
    const a = instanceA();
    a.install();
    stacks(a);
    const dir = mkdtempSync(join(tmpdir(), 'flows-'));
    const repoFlow = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'contact-flows', 'chalkbot-inbound.json'), 'utf8'),
    ) as FlowFile;
    const path = join(dir, 'chalkbot-inbound.json');
    writeFileSync(path, JSON.stringify(repoFlow));
    expect(await flowsCli(['import', '--instance', a.arn, path], quiet, clients)).toBe(0);
    const out = join(dir, 'exported.json');
    expect(await flowsCli(['export', '--instance', a.id, '--name', repoFlow.Name, '--out', out], quiet, clients)).toBe(
      0,
    );
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(repoFlow);
  });
});
