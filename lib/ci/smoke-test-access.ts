/**
 * The pipeline's smoke test talks to the deployed bot in text (Lex RecognizeText, tools/smoke.ts). Whoever may
 * call Lex's runtime on an alias chooses the session attributes, the `contactId` the call memory is keyed by
 * among them (README, "Trust boundary"), so the deploy role may call this app's own alias and no other.
 *
 * The grant lives in the bot stack, beside the alias, and is attached to the CI stack's deploy role:
 * - the alias ARN holds ids Lex picks when the bot and alias are created (`bot-alias/<botId>/<aliasId>`,
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonlexv2.html), so the CI stack
 *   cannot name it up front, and importing it there would make the CI stack depend on the bot stack (deployed by
 *   the role the CI stack creates) and lock the export: CloudFormation refuses to change an export in use, so a
 *   replaced bot would fail to deploy;
 * - this way round the bot stack imports the role's name (which does not change) and depends on the CI stack,
 *   so `cdk deploy --all` creates the role first, and a replaced alias moves the grant in the same deploy, before
 *   the smoke job runs.
 */
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnBotAlias } from 'aws-cdk-lib/aws-lex';
import { Construct } from 'constructs';

export interface SmokeTestAccessProps {
  /** The pipeline's deploy role (the smoke job runs as it). */
  readonly role: iam.IRole;
  /** This app's bot alias, the one the smoke test speaks to. */
  readonly botAlias: CfnBotAlias;
}

export class SmokeTestAccess extends Construct {
  constructor(scope: Construct, id: string, props: SmokeTestAccessProps) {
    super(scope, id);
    new Policy(this, 'Policy', {
      roles: [props.role],
      statements: [new PolicyStatement({ actions: ['lex:RecognizeText'], resources: [props.botAlias.attrArn] })],
    });
  }
}
