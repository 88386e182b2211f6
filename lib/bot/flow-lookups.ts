/**
 * The instance's own resources that a designer flow names by placeholder (`${PROMPT_ARN:Welcome chime}`,
 * `${HOURS_ARN:Support hours}`, `${FLOW_ARN:...}`, `${FLOW_MODULE_ARN:...}`, `${QUEUE_ARN:...}` of a queue this
 * app does not create, `${LAMBDA_ARN:<function name>}`), resolved to ARNs when the stack deploys.
 *
 * Names are looked up in the instance at deploy time, one custom resource per name, with Connect's Search* APIs
 * and an exact name match (docs.aws.amazon.com/connect/latest/APIReference/API_SearchPrompts.html and its
 * siblings). A name the instance lacks fails that custom resource, whose logical id names the kind and the name.
 * A Lambda ARN needs no lookup: it is built from the function name in this stack's account and region, where
 * `flows export` found it among the instance's functions.
 */
import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { arnPathPart } from '../connect-arn';
import { PLACEHOLDERS } from '../definition/placeholders';
import { LOG_RETENTION_DAYS } from '../log-retention';

/** Per placeholder kind: the Search API, the IAM action, the list in its answer and the ARN field of an item. */
export const NAME_LOOKUPS: Readonly<
  Record<string, { action: string; iamAction: string; list: string; arnField: string }>
> = {
  [PLACEHOLDERS.promptArn]: {
    action: 'searchPrompts',
    iamAction: 'connect:SearchPrompts',
    list: 'Prompts',
    arnField: 'PromptARN',
  },
  [PLACEHOLDERS.hoursArn]: {
    action: 'searchHoursOfOperations',
    iamAction: 'connect:SearchHoursOfOperations',
    list: 'HoursOfOperations',
    arnField: 'HoursOfOperationArn',
  },
  [PLACEHOLDERS.flowArn]: {
    action: 'searchContactFlows',
    iamAction: 'connect:SearchContactFlows',
    list: 'ContactFlows',
    arnField: 'Arn',
  },
  [PLACEHOLDERS.flowModuleArn]: {
    action: 'searchContactFlowModules',
    iamAction: 'connect:SearchContactFlowModules',
    list: 'ContactFlowModules',
    arnField: 'Arn',
  },
  [PLACEHOLDERS.queueArn]: {
    action: 'searchQueues',
    iamAction: 'connect:SearchQueues',
    list: 'Queues',
    arnField: 'QueueArn',
  },
};

/**
 * Every Connect instance of the stack's account and region and what is inside them. Written without the
 * instance's own id so that the grant (and its cdk-nag acknowledgement) reads the same for a created and an
 * adopted instance.
 */
const INSTANCES_ARN = (stack: Stack) =>
  stack.formatArn({ service: 'connect', resource: 'instance', resourceName: '*' });

export interface FlowLookupsProps {
  readonly instanceArn: string;
}

export class FlowLookups extends Construct {
  private readonly instanceArn: string;
  private readonly found = new Map<string, string>();
  private logGroup?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: FlowLookupsProps) {
    super(scope, id);
    this.instanceArn = props.instanceArn;
  }

  /** The ARN (a deploy-time token) of the named resource, or undefined for a kind that is not looked up. */
  arnOf(kind: string, name: string): string | undefined {
    if (kind === PLACEHOLDERS.lambdaArn) {
      return Stack.of(this).formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    }
    const lookup = NAME_LOOKUPS[kind];
    if (!lookup) return undefined;
    const key = `${kind}:${name}`;
    const cached = this.found.get(key);
    if (cached) return cached;

    const call: cr.AwsSdkCall = {
      service: 'Connect',
      action: lookup.action,
      parameters: {
        InstanceId: arnPathPart(this.instanceArn, 1),
        MaxResults: 2,
        SearchCriteria: { StringCondition: { FieldName: 'name', Value: name, ComparisonType: 'EXACT' } },
      },
      // A name that is not there leaves no such field, and the lookup fails instead of filling in nothing.
      outputPaths: [`${lookup.list}.0.${lookup.arnField}`],
      physicalResourceId: cr.PhysicalResourceId.of(`${kind}:${name}`),
    };
    const resource = new cr.AwsCustomResource(this, `${kind} ${name.replace(/[^A-Za-z0-9]/g, '')} ${this.found.size}`, {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: [lookup.iamAction], resources: [INSTANCES_ARN(Stack.of(this))] }),
      ]),
      installLatestAwsSdk: false,
      logGroup: this.sharedLogGroup(),
    });
    Validations.of(resource).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:connect:<AWS::Region>:<AWS::AccountId>:instance/*]',
      reason:
        'Connect authorizes a Search* call on the instance and on every resource of the kind it searches, whose ' +
        'ids are what the lookup is for; the right is one read-only search action, in this account and region.',
    });
    const arn = resource.getResponseField(`${lookup.list}.0.${lookup.arnField}`);
    this.found.set(key, arn);
    return arn;
  }

  private sharedLogGroup(): logs.LogGroup {
    this.logGroup ??= new logs.LogGroup(this, 'Logs', {
      retention: LOG_RETENTION_DAYS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    return this.logGroup;
  }
}
