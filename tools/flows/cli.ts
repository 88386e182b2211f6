/**
 * `npm run flows -- check|export|import ...`: checks flow files offline, and moves contact flows between a live
 * Connect instance and `contact-flows/`. Credentials and region as the AWS CLI finds them (--profile, --region,
 * AWS_PROFILE, ...). Arguments and files are checked before anything looks for AWS.
 *
 *   check <file>...                                            (offline)
 *   export (--name <flow name> | --id <flow id>) [--instance <arn|id>] [--out <file>] [--saved]
 *   import [--instance <arn|id>] [--dry-run] [files...]       (default: every file in contact-flows/)
 *
 * The instance defaults to the deployed contact-center stack's; the bot alias and the voice come from the
 * deployed bot stack and cdk.json.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ConnectClient } from '@aws-sdk/client-connect';
import { STACK_OUTPUTS } from '../../lib/definition/stack-outputs';
import { readFlowFile, readFlowFiles } from '../../lib/flow/flow-file';
import { parseCommandLine, UsageError } from '../cli-args';
import { type StackOutputs, awsClientConfig, describeStackOutputs, readAppSettings, stackNames } from '../deployment';
import { checkFlowFiles } from './check-flows';
import { instanceIdOf } from './connect-inventory';
import { defaultFlowPath, exportFlow, writeFlowFile } from './export-flow';
import { flowFileCheck } from './flow-json';
import { importFlows } from './import-flows';
import type { DeploymentValues } from './placeholder-mapping';

export const FLOWS_USAGE = `Usage:
  npm run flows -- check <file>...
      the repo's flow check of each file, offline (repo files or designer exports); exit 0 when all pass
  npm run flows -- export (--name <flow name> | --id <flow id>) [--instance <arn|id>] [--out <file>] [--saved]
      a flow from the instance into contact-flows/, instance values replaced by placeholders
  npm run flows -- import [--instance <arn|id>] [--dry-run] [files...]
      the repo's flows into the instance (default: every file in contact-flows/)
Export and import: [--profile <aws profile>] [--region <region>] [--prefix <stack prefix>] [--voice <voice id>]
  -h, --help  show this help`;

export interface FlowsClients {
  readonly connect: ConnectClient;
  readonly cloudFormation: CloudFormationClient;
}

/** Resolves to the process exit code. */
export async function flowsCli(
  argv: string[],
  log: (line: string) => void = console.log,
  makeClients: (aws: { profile?: string; region?: string }) => FlowsClients = (aws) => ({
    connect: new ConnectClient(awsClientConfig(aws)),
    cloudFormation: new CloudFormationClient(awsClientConfig(aws)),
  }),
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    log(FLOWS_USAGE);
    return 0;
  }
  if (command !== 'check' && command !== 'export' && command !== 'import') {
    log(FLOWS_USAGE);
    return 2;
  }
  const { values, positionals } = parseCommandLine(
    rest,
    {
      instance: { type: 'string' },
      name: { type: 'string' },
      id: { type: 'string' },
      out: { type: 'string' },
      saved: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      profile: { type: 'string' },
      region: { type: 'string' },
      prefix: { type: 'string' },
      voice: { type: 'string' },
    },
    command !== 'export',
  );
  if (values.help) {
    log(FLOWS_USAGE);
    return 0;
  }

  // Everything that can be checked offline is checked before any AWS client is made.
  if (command === 'check') {
    if (positionals.length === 0) throw new UsageError('check needs at least one flow file');
    return checkFlowFiles(positionals, log);
  }
  if (command === 'export' && !values.name === !values.id)
    throw new UsageError('export takes exactly one of --name or --id');
  const paths = command === 'import' && positionals.length > 0 ? positionals : undefined;
  const files =
    command !== 'import' ? [] : paths ? paths.map((path) => ({ path, flow: readFlowFile(path) })) : readFlowFiles();
  const problems = files.flatMap(({ path, flow }) => flowFileCheck(path, flow).errors);
  if (problems.length > 0) {
    log('Nothing was imported: the flow check found these problems:');
    for (const problem of problems) log(`  - ${problem}`);
    return 1;
  }

  const settings = readAppSettings();
  const clients = makeClients({ profile: values.profile, region: values.region });
  if (!(await clients.cloudFormation.config.region().catch(() => undefined))) {
    throw new Error('No AWS region: pass --region, or set AWS_REGION, or a region in your AWS profile');
  }
  const stacks = stackNames(values.prefix ?? settings.prefix);

  const outputs = await optionalOutputs(clients.cloudFormation, stacks.bot, log);
  const deployment: DeploymentValues = {
    lexBotAliasArn: outputs[STACK_OUTPUTS.botAliasArn],
    voice: values.voice ?? settings.voice,
  };
  const instance =
    values.instance ??
    (await describeStackOutputs(clients.cloudFormation, [stacks.contactCenter]))[STACK_OUTPUTS.connectInstanceArn];
  if (!instance)
    throw new Error(
      `No --instance given and stack ${stacks.contactCenter} has no ${STACK_OUTPUTS.connectInstanceArn} output`,
    );
  const instanceId = instanceIdOf(instance);

  if (command === 'export') {
    const flow = await exportFlow(
      clients.connect,
      { instanceId, name: values.name, id: values.id, saved: values.saved },
      deployment,
      log,
    );
    const path = values.out ?? defaultFlowPath(flow.Name);
    writeFlowFile(path, flow);
    log(`exported "${flow.Name}" to ${path}`);
    // Connect accepted this flow, but the stack and the import check it with the repo's validator: say now what
    // they would refuse, while the designer is still open.
    const { errors: problems, warnings } = flowFileCheck(path, flow);
    for (const warning of warnings) log(`warning: ${warning}`);
    if (problems.length > 0) {
      log('The exported file does not pass the flow check; the stack and the import will refuse it until it does:');
      for (const problem of problems) log(`  - ${problem}`);
      return 1;
    }
    return 0;
  }

  const ok = await importFlows(clients.connect, { instanceId, files, dryRun: values['dry-run'] }, deployment, log);
  return ok ? 0 : 1;
}

/** A stack's outputs, or none (with a note) when it is not deployed: export and import can still work without it. */
async function optionalOutputs(
  cloudFormation: CloudFormationClient,
  stack: string,
  log: (line: string) => void,
): Promise<StackOutputs> {
  try {
    return await describeStackOutputs(cloudFormation, [stack]);
  } catch (error) {
    if (!/is not deployed/.test((error as Error).message)) throw error;
    log(`Note: ${(error as Error).message.split('.')[0]}; the bot alias placeholder cannot be mapped.`);
    return {};
  }
}
