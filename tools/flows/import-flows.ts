/**
 * Import: the repo's flow files into a live instance. Each file must first pass the repo's flow check
 * (lib/flow/validate.ts), or nothing is written. Placeholders are resolved from the deployment and the
 * instance's own lists; flows the instance does not have yet are first created as SAVED stubs (Connect does not
 * validate SAVED content), so flows that refer to each other, or forward, resolve; then each flow's content is
 * updated, which publishes it and makes Connect validate it. Connect's list of problems is printed for a flow it
 * rejects, and the import reports failure.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type ConnectClient,
  type ContactFlowType,
  CreateContactFlowCommand,
  DescribeContactFlowCommand,
  type InvalidContactFlowException,
  UpdateContactFlowContentCommand,
} from '@aws-sdk/client-connect';
import { PLACEHOLDERS, resolvePlaceholders } from '../../lib/definition/placeholders';
import type { FlowContent, FlowFile } from '../../lib/flow/flow-file';
import { readInventory } from './connect-inventory';
import { flowFileCheck, normalizeContent } from './flow-json';
import { diffLines } from './line-diff';
import { type DeploymentValues, importResolver } from './placeholder-mapping';

export interface ImportRequest {
  readonly instanceId: string;
  readonly files: readonly { readonly path: string; readonly flow: FlowFile }[];
  /** Show what would change; call no API that writes. */
  readonly dryRun?: boolean;
}

/** The smallest valid flow: it ends the contact. Replaced by the real content a moment later. */
export const STUB_CONTENT: FlowContent = {
  Version: '2019-10-30',
  StartAction: 'stub-disconnect',
  Actions: [{ Identifier: 'stub-disconnect', Type: 'DisconnectParticipant', Parameters: {}, Transitions: {} }],
};

/** Resolves to true when every flow was imported (or, with dryRun, could be). */
export async function importFlows(
  connect: ConnectClient,
  request: ImportRequest,
  deployment: DeploymentValues,
  log: (line: string) => void = console.log,
): Promise<boolean> {
  const { instanceId, dryRun = false } = request;
  // Every file is checked before anything is written, so a broken file never leaves the instance half-imported.
  const checks = request.files.map(({ path, flow }) => flowFileCheck(path, flow));
  for (const warning of checks.flatMap((check) => check.warnings)) log(`warning: ${warning}`);
  const problems = checks.flatMap((check) => check.errors);
  if (problems.length > 0) {
    log('Nothing was imported: the flow check found these problems:');
    for (const problem of problems) log(`  - ${problem}`);
    return false;
  }
  const inventory = await readInventory(connect, instanceId);
  const existing = new Set(inventory.flows.map((flow) => flow.name));
  let ok = true;

  // 0. Every placeholder must resolve before anything is created: a stub left behind by an import that then
  // failed (say, before the bot stack exists) would make the next `cdk deploy` fail on the duplicate name.
  const toCreate = new Set(request.files.map(({ flow }) => flow.Name).filter((name) => !existing.has(name)));
  const resolveNow = importResolver(inventory, deployment);
  const unresolved: string[] = [];
  for (const { path, flow } of request.files) {
    try {
      resolvePlaceholders(JSON.stringify(flow.Content), (use) =>
        use.name === PLACEHOLDERS.flowArn && use.argument !== undefined && toCreate.has(use.argument)
          ? 'created-below'
          : resolveNow(use),
      );
    } catch (error) {
      unresolved.push(`"${flow.Name}" (${path}): ${(error as Error).message}`);
    }
  }
  if (unresolved.length > 0) {
    log('Nothing was imported: these placeholders have no value in this instance or deployment:');
    for (const line of unresolved) log(`  - ${line}`);
    if (deployment.lexBotAliasArn === undefined)
      log('  (the bot alias comes from the bot stack: deploy it first, npm run deploy)');
    return false;
  }

  // 1. Stubs for the flows the instance lacks, so every ${FLOW_ARN:...} below has an ARN.
  for (const { flow } of request.files) {
    if (existing.has(flow.Name)) continue;
    if (dryRun) {
      log(`would create "${flow.Name}" (${flow.Type}) as a saved stub`);
      inventory.flows.push({ name: flow.Name, arn: `<ARN of the new flow "${flow.Name}">`, id: '', type: flow.Type });
      continue;
    }
    const created = await connect.send(
      new CreateContactFlowCommand({
        InstanceId: instanceId,
        Name: flow.Name,
        Type: flow.Type as ContactFlowType,
        Description: flow.Description,
        Status: 'SAVED',
        Content: JSON.stringify(STUB_CONTENT),
      }),
    );
    inventory.flows.push({
      name: flow.Name,
      arn: created.ContactFlowArn!,
      id: created.ContactFlowId!,
      type: flow.Type,
    });
    log(`created "${flow.Name}" as a saved stub`);
  }

  // 2. The real content of every flow.
  const resolve = importResolver(inventory, deployment);
  for (const { path, flow } of request.files) {
    const target = inventory.flows.find((candidate) => candidate.name === flow.Name)!;
    let content: string;
    try {
      content = resolvePlaceholders(JSON.stringify(flow.Content), resolve);
    } catch (error) {
      log(`"${flow.Name}" (${path}): ${(error as Error).message}`);
      ok = false;
      continue;
    }

    // Only flows that were there before have content worth comparing with; a stub always changes.
    const current = existing.has(flow.Name) ? await publishedContent(connect, instanceId, target.id) : undefined;
    const next = JSON.parse(content) as FlowContent;
    if (current && isDeepStrictEqual(normalizeContent(current), normalizeContent(next))) {
      log(`"${flow.Name}" is unchanged`);
      continue;
    }
    if (dryRun) {
      log(`would update "${flow.Name}" from ${path}:`);
      const before = current ? JSON.stringify(normalizeContent(current), null, 2) : '';
      for (const line of diffLines(before, JSON.stringify(normalizeContent(next), null, 2))) log(`    ${line}`);
      continue;
    }
    try {
      await connect.send(
        new UpdateContactFlowContentCommand({ InstanceId: instanceId, ContactFlowId: target.id, Content: content }),
      );
      log(`updated "${flow.Name}" from ${path}`);
    } catch (error) {
      if ((error as Error).name !== 'InvalidContactFlowException') throw error;
      ok = false;
      log(`Connect rejected "${flow.Name}" (${path}):`);
      const problems = (error as InvalidContactFlowException).problems ?? [];
      for (const problem of problems) log(`  - ${problem.message}`);
      if (problems.length === 0) log(`  - ${(error as Error).message}`);
    }
  }
  return ok;
}

/** The flow's published content, or undefined for a flow that was only ever saved. */
async function publishedContent(
  connect: ConnectClient,
  instanceId: string,
  flowId: string,
): Promise<FlowContent | undefined> {
  try {
    const described = await connect.send(
      new DescribeContactFlowCommand({ InstanceId: instanceId, ContactFlowId: flowId }),
    );
    return described.ContactFlow?.Content ? (JSON.parse(described.ContactFlow.Content) as FlowContent) : undefined;
  } catch (error) {
    if ((error as Error).name === 'ContactFlowNotPublishedException') return undefined;
    throw error;
  }
}
