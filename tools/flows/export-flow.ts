/**
 * Export: a flow from a live instance into the repo's format (lib/flow/flow-file.ts), with every
 * instance-specific value replaced by a named placeholder. A value it cannot name fails the export, with its
 * path in the JSON, so no ARN of one instance ever lands in the repo.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ConnectClient,
  DescribeContactFlowCommand,
  type DescribeContactFlowCommandOutput,
} from '@aws-sdk/client-connect';
import { PLACEHOLDERS } from '../../lib/definition/placeholders';
import { CONTACT_FLOWS_DIR, type FlowAction, type FlowContent, type FlowFile } from '../../lib/flow/flow-file';
import { readInventory } from './connect-inventory';
import { findLeftovers, normalizeContent, replaceKnownValues } from './flow-json';
import { withLanguagePlaceholders } from './language-placeholders';
import { type DeploymentValues, exportReplacements } from './placeholder-mapping';

export interface ExportRequest {
  readonly instanceId: string;
  /** The flow, by name or by id. */
  readonly name?: string;
  readonly id?: string;
  /** Export the latest saved (possibly unpublished) content instead of the published one. */
  readonly saved?: boolean;
}

export async function exportFlow(
  connect: ConnectClient,
  request: ExportRequest,
  deployment: DeploymentValues,
  log: (line: string) => void = console.log,
): Promise<FlowFile> {
  const inventory = await readInventory(connect, request.instanceId);
  const flowId = request.id ?? inventory.flows.find((flow) => flow.name === request.name)?.id;
  if (!flowId) {
    const names = inventory.flows.map((flow) => `"${flow.name}"`).join(', ');
    throw new Error(
      `No flow named "${request.name}" in instance ${request.instanceId}. Flows there: ${names || 'none'}`,
    );
  }

  const describe = (suffix: string) =>
    connect.send(
      new DescribeContactFlowCommand({ InstanceId: request.instanceId, ContactFlowId: `${flowId}${suffix}` }),
    );
  let described: DescribeContactFlowCommandOutput;
  try {
    described = await describe(request.saved ? ':$SAVED' : '');
  } catch (error) {
    if ((error as Error).name !== 'ContactFlowNotPublishedException') throw error;
    log(`Flow ${flowId} was never published; exporting its saved content.`);
    described = await describe(':$SAVED');
  }
  const flow = described.ContactFlow;
  if (!flow?.Name || !flow.Type || !flow.Content)
    throw new Error(`Connect described flow ${flowId} without name, type or content`);

  const normalized = normalizeContent(JSON.parse(flow.Content) as FlowContent);
  const content = withVoicePlaceholder(withLanguagePlaceholders(normalized, deployment), deployment.voice);
  const templated = replaceKnownValues(content, exportReplacements(inventory, deployment));
  const leftovers = findLeftovers(templated, request.instanceId);
  if (leftovers.length > 0) {
    throw new Error(
      `Flow "${flow.Name}" still names instance-specific values that have no placeholder ` +
        `(is the bot stack deployed, is the resource in this instance?):\n${leftovers.map((l) => `  - ${l}`).join('\n')}`,
    );
  }
  return {
    Name: flow.Name,
    Type: flow.Type,
    ...(flow.Description ? { Description: flow.Description } : {}),
    Content: templated,
  };
}

/**
 * The deployment's voice becomes `${VOICE}`, so a flow follows the `voice` setting. Any other voice was chosen
 * on purpose in the designer and is not instance-specific, so it stays as written.
 */
function withVoicePlaceholder(content: FlowContent, voice: string): FlowContent {
  const actions = content.Actions.map(
    (action): FlowAction =>
      action.Type === 'UpdateContactTextToSpeechVoice' && action.Parameters.TextToSpeechVoice === voice
        ? { ...action, Parameters: { ...action.Parameters, TextToSpeechVoice: `\${${PLACEHOLDERS.voice}}` } }
        : action,
  );
  return { ...content, Actions: actions };
}

/** `contact-flows/<name in lower case, words joined by hyphens>.json`. */
export function defaultFlowPath(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return join(CONTACT_FLOWS_DIR, `${slug || 'flow'}.json`);
}

export function writeFlowFile(path: string, flow: FlowFile): void {
  writeFileSync(path, `${JSON.stringify(flow, null, 2)}\n`);
}
