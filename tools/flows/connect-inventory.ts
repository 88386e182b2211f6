/**
 * What a Connect instance holds that flows refer to, by name and ARN: queues, prompts, flows, flow modules,
 * hours of operation and the Lambda functions associated with it. Every list is read to its last page.
 */
import {
  type ConnectClient,
  paginateListContactFlowModules,
  paginateListContactFlows,
  paginateListHoursOfOperations,
  paginateListLambdaFunctions,
  paginateListPrompts,
  paginateListQueues,
} from '@aws-sdk/client-connect';

export interface NamedResource {
  readonly name: string;
  readonly arn: string;
  readonly id?: string;
}

export interface FlowResource extends NamedResource {
  readonly id: string;
  readonly type?: string;
}

export interface ConnectInventory {
  readonly queues: NamedResource[];
  readonly prompts: NamedResource[];
  readonly flows: FlowResource[];
  readonly flowModules: NamedResource[];
  readonly hours: NamedResource[];
  /** Functions associated with the instance, named by function name. */
  readonly lambdas: NamedResource[];
}

/** A Connect instance id from an id or an instance ARN. */
export function instanceIdOf(instance: string): string {
  const match = /:instance\/([^/]+)$/.exec(instance);
  return match ? match[1] : instance;
}

/** The function name of a Lambda ARN (`...:function:<name>[:qualifier]`). */
export function lambdaNameOf(arn: string): string | undefined {
  return /:function:([^:]+)/.exec(arn)?.[1];
}

async function collect<Page, Item>(
  pages: AsyncIterable<Page>,
  items: (page: Page) => Item[] | undefined,
): Promise<Item[]> {
  const all: Item[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}

function named(summary: { Name?: string; Arn?: string; Id?: string }): NamedResource[] {
  return summary.Name && summary.Arn ? [{ name: summary.Name, arn: summary.Arn, id: summary.Id }] : [];
}

export async function readInventory(connect: ConnectClient, instanceId: string): Promise<ConnectInventory> {
  const config = { client: connect };
  const input = { InstanceId: instanceId };
  const [queues, prompts, flows, flowModules, hours, lambdaArns] = await Promise.all([
    collect(paginateListQueues(config, { ...input, QueueTypes: ['STANDARD'] }), (p) =>
      p.QueueSummaryList?.flatMap(named),
    ),
    collect(paginateListPrompts(config, input), (p) => p.PromptSummaryList?.flatMap(named)),
    collect(paginateListContactFlows(config, input), (p) =>
      p.ContactFlowSummaryList?.flatMap((f) =>
        f.Name && f.Arn && f.Id ? [{ name: f.Name, arn: f.Arn, id: f.Id, type: f.ContactFlowType }] : [],
      ),
    ),
    collect(paginateListContactFlowModules(config, input), (p) => p.ContactFlowModulesSummaryList?.flatMap(named)),
    collect(paginateListHoursOfOperations(config, input), (p) => p.HoursOfOperationSummaryList?.flatMap(named)),
    collect(paginateListLambdaFunctions(config, input), (p) => p.LambdaFunctions),
  ]);
  const lambdas = lambdaArns.flatMap((arn) => {
    const name = lambdaNameOf(arn);
    return name ? [{ name, arn }] : [];
  });
  return { queues, prompts, flows, flowModules, hours, lambdas };
}
