/**
 * The inbound contact flow and everything that connects it: the Lex alias associated with the instance (Connect
 * refuses a flow that names a bot it does not know), the flow itself from `contact-flows/`, and the phone number
 * pointed at it. CloudFormation has no property for that last step, so a custom resource calls
 * AssociatePhoneNumberContactFlow, and DisassociatePhoneNumberContactFlow when the stack lets go.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { arnPathPart } from '../connect-arn';
import { resolveLanguagePlaceholder } from '../definition/flow-languages';
import { PLACEHOLDERS, type PlaceholderUse, resolvePlaceholders } from '../definition/placeholders';
import type { FlowFile } from '../flow/flow-file';
import { assertValidFlow } from '../flow/validate';
import { LOG_RETENTION_DAYS } from '../log-retention';
import { FlowLookups } from './flow-lookups';

/** The values a flow's placeholders stand for in this deployment (CDK tokens are fine). */
export interface FlowValues {
  readonly lexBotAliasArn: string;
  readonly queueArnsByName: Readonly<Record<string, string>>;
  readonly voice: string;
  /**
   * Any other instance resource by kind and name (prompts, hours, flows, modules, Lambdas, other queues): every
   * kind `flows export` writes. Without it only the values above resolve.
   */
  readonly arnByName?: (kind: string, name: string) => string | undefined;
  /** The locale of a caller who presses no key in the language menu. */
  readonly defaultLocale: string;
}

/**
 * The flow's content as Connect takes it: validated as written (only our placeholders allowed), then every
 * placeholder replaced. A broken flow or an unknown placeholder fails here, at synth, naming the problem.
 */
export function renderFlowContent(flow: FlowFile, values: FlowValues): string {
  assertValidFlow(`"${flow.Name}"`, flow.Content, { allowedPlaceholders: Object.values(PLACEHOLDERS) });
  const resolve = (use: PlaceholderUse): string | undefined => {
    switch (use.name) {
      case PLACEHOLDERS.lexBotAliasArn:
        return values.lexBotAliasArn;
      case PLACEHOLDERS.queueArn:
        if (use.argument === undefined) return undefined;
        return values.queueArnsByName[use.argument] ?? values.arnByName?.(use.name, use.argument);
      default:
        return (
          resolveLanguagePlaceholder(use, values) ??
          (use.argument === undefined ? undefined : values.arnByName?.(use.name, use.argument))
        );
    }
  };
  // Placeholders sit inside JSON strings; a spoken line may hold a quote, so every value is escaped as one.
  const escaped = (use: PlaceholderUse) => {
    const value = resolve(use);
    return value === undefined ? undefined : JSON.stringify(value).slice(1, -1);
  };
  return resolvePlaceholders(JSON.stringify(flow.Content), escaped);
}

export interface InboundFlowProps extends FlowValues {
  readonly instanceArn: string;
  readonly phoneNumberArn: string;
  readonly flow: FlowFile;
}

export class InboundFlow extends Construct {
  readonly contactFlow: connect.CfnContactFlow;
  readonly botAssociation: connect.CfnIntegrationAssociation;

  constructor(scope: Construct, id: string, props: InboundFlowProps) {
    super(scope, id);

    this.botAssociation = new connect.CfnIntegrationAssociation(this, 'BotAssociation', {
      instanceId: props.instanceArn,
      integrationType: 'LEX_BOT',
      integrationArn: props.lexBotAliasArn,
    });

    // Created only when the flow names something of the instance by name (a designer export's prompts, hours, ...).
    const lookups = new FlowLookups(this, 'Lookups', { instanceArn: props.instanceArn });
    this.contactFlow = new connect.CfnContactFlow(this, 'Flow', {
      instanceArn: props.instanceArn,
      // Flow names are unique per instance; the file's name is what the flow script matches on.
      name: props.flow.Name,
      type: props.flow.Type,
      description: props.flow.Description,
      state: 'ACTIVE',
      content: renderFlowContent(props.flow, { ...props, arnByName: (kind, name) => lookups.arnOf(kind, name) }),
    });
    this.contactFlow.node.addDependency(this.botAssociation);

    const phoneNumberId = arnPathPart(props.phoneNumberArn, 1);
    const instanceId = arnPathPart(props.instanceArn, 1);
    const association = {
      service: 'Connect',
      action: 'associatePhoneNumberContactFlow',
      parameters: {
        PhoneNumberId: phoneNumberId,
        InstanceId: instanceId,
        ContactFlowId: arnPathPart(this.contactFlow.attrContactFlowArn, 3),
      },
      // Stable across flow changes: a new physical id would make CloudFormation "delete" the old association,
      // i.e. disassociate the number right after pointing it at the new flow.
      physicalResourceId: cr.PhysicalResourceId.of(`phone-number-flow-${phoneNumberId}`),
    };
    new cr.AwsCustomResource(this, 'PhoneNumberAssociation', {
      onCreate: association,
      onUpdate: association,
      onDelete: {
        service: 'Connect',
        action: 'disassociatePhoneNumberContactFlow',
        parameters: { PhoneNumberId: phoneNumberId, InstanceId: instanceId },
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['connect:AssociatePhoneNumberContactFlow', 'connect:DisassociatePhoneNumberContactFlow'],
          resources: [props.phoneNumberArn, this.contactFlow.attrContactFlowArn, props.instanceArn],
        }),
      ]),
      installLatestAwsSdk: false,
      // Otherwise the provider logs to /aws/lambda/<name>, created on first write and never expiring.
      logGroup: new logs.LogGroup(this, 'PhoneNumberAssociationLogs', {
        retention: LOG_RETENTION_DAYS,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    // AwsCustomResource runs one shared function per stack, created with the basic execution managed policy.
    const provider = Stack.of(this).node.tryFindChild(
      `AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    if (provider !== undefined) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'The CDK-provided custom-resource function only writes its own logs; its API rights come from the ' +
          'least-privilege policy above, not from this managed policy.',
      });
    }
  }
}
