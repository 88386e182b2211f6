/**
 * The designer round trip: a flow edited in the designer, exported (`flows export` puts a named placeholder in
 * place of every instance value), committed and deployed. Every placeholder kind export writes must resolve at
 * deploy: prompts, hours, other flows, flow modules and other queues by a name lookup in the instance when the
 * stack deploys, Lambdas by ARN in the stack's account and region.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLACEHOLDERS } from '../../lib/definition/placeholders';
import type { FlowContent, FlowFile } from '../../lib/flow/flow-file';
import { validateFlow } from '../../lib/flow/validate';
import type { ConnectInventory } from '../../tools/flows/connect-inventory';
import { replaceKnownValues } from '../../tools/flows/flow-json';
import { exportReplacements } from '../../tools/flows/placeholder-mapping';
import { buildTestApp, nagFindings, templateOf } from './synth';

const INSTANCE = 'arn:aws:connect:us-east-1:123456789012:instance/11111111-2222-3333-4444-555555555555';
/** What the designer flow's instance holds, named as `flows export` reads them. */
const INVENTORY: ConnectInventory = {
  prompts: [{ name: 'Welcome chime', arn: `${INSTANCE}/prompt/aaaaaaaa-0000-0000-0000-000000000001` }],
  flowModules: [{ name: 'Verify caller', arn: `${INSTANCE}/flow-module/bbbbbbbb-0000-0000-0000-000000000002` }],
  hours: [{ name: 'Acme hours', arn: `${INSTANCE}/operating-hours/cccccccc-0000-0000-0000-000000000003` }],
  flows: [
    { name: 'Acme queue music', arn: `${INSTANCE}/contact-flow/dddddddd-0000-0000-0000-000000000004`, id: 'dddddddd' },
  ],
  queues: [{ name: 'Acme sales', arn: `${INSTANCE}/queue/eeeeeeee-0000-0000-0000-000000000005` }],
  lambdas: [{ name: 'acme-crm-lookup', arn: 'arn:aws:lambda:us-east-1:123456789012:function:acme-crm-lookup' }],
};

/** The designer export fixture as `flows export` writes it into contact-flows/. */
function exportedFlowFile(): string {
  const designer = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'designer-export.json'), 'utf8')) as FlowContent;
  const content = replaceKnownValues(designer, exportReplacements(INVENTORY, { voice: 'Joanna' }));
  const file: FlowFile = { Name: 'Chalkbot inbound', Type: 'CONTACT_FLOW', Content: content };
  const path = join(mkdtempSync(join(tmpdir(), 'round-trip-')), 'chalkbot-inbound.json');
  writeFileSync(path, JSON.stringify(file));
  return path;
}

describe('a designer flow with a prompt, an hours check, a module, a Lambda, another flow and queue', () => {
  const flowFile = exportedFlowFile();
  const { bot } = buildTestApp({}, { flowFile });
  const template = templateOf(bot);
  const flowResource = Object.values(template.findResources('AWS::Connect::ContactFlow'))[0];
  const content = JSON.stringify(flowResource.Properties.Content);

  test('export wrote a placeholder of every kind, and no literal ARN', () => {
    const text = readFileSync(flowFile, 'utf8');
    for (const placeholder of [
      '${PROMPT_ARN:Welcome chime}',
      '${HOURS_ARN:Acme hours}',
      '${FLOW_MODULE_ARN:Verify caller}',
      '${LAMBDA_ARN:acme-crm-lookup}',
      '${FLOW_ARN:Acme queue music}',
      '${QUEUE_ARN:Acme sales}',
    ]) {
      expect(text).toContain(placeholder);
    }
    expect(
      validateFlow((JSON.parse(text) as FlowFile).Content, { allowedPlaceholders: Object.values(PLACEHOLDERS) }),
    ).toEqual([]);
  });

  test('the deployed content has no placeholder left', () => {
    expect(content).not.toMatch(/\$\{[A-Z_]+(:[^}]*)?\}/);
  });

  test.each([
    ['SearchPrompts', 'searchPrompts', 'Welcome chime', 'Prompts.0.PromptARN'],
    ['SearchHoursOfOperations', 'searchHoursOfOperations', 'Acme hours', 'HoursOfOperations.0.HoursOfOperationArn'],
    ['SearchContactFlowModules', 'searchContactFlowModules', 'Verify caller', 'ContactFlowModules.0.Arn'],
    ['SearchContactFlows', 'searchContactFlows', 'Acme queue music', 'ContactFlows.0.Arn'],
    ['SearchQueues', 'searchQueues', 'Acme sales', 'Queues.0.QueueArn'],
  ])('%s (%s) finds "%s" by exact name at deploy, and the flow uses its answer', (iamAction, action, name, field) => {
    const lookups = Object.entries(template.findResources('Custom::AWS')).filter(([, r]) =>
      JSON.stringify(r.Properties.Create).includes(`\\"action\\":\\"${action}\\"`),
    );
    expect(lookups).toHaveLength(1);
    const [logicalId, lookup] = lookups[0];
    const create = JSON.stringify(lookup.Properties.Create);
    expect(create).toContain(
      `\\"StringCondition\\":{\\"FieldName\\":\\"name\\",\\"Value\\":\\"${name}\\",\\"ComparisonType\\":\\"EXACT\\"}`,
    );
    expect(content).toContain(JSON.stringify({ 'Fn::GetAtt': [logicalId, field] }));
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(`connect:${iamAction}`);
  });

  test("the Lambda is named by ARN in the stack's own account and region, without a lookup", () => {
    expect(content).toContain(':function:acme-crm-lookup');
    expect(content).toMatch(
      /"arn:",\{"Ref":"AWS::Partition"\},":lambda:",\{"Ref":"AWS::Region"\},":",\{"Ref":"AWS::AccountId"\},":function:acme-crm-lookup/,
    );
  });

  test('the lookups pass cdk-nag, with the reason for the instance-wide search right given', () => {
    expect(nagFindings(bot)).toEqual([]);
  });
});
