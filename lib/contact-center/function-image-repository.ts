/**
 * The ECR repository the function image lives in. The bot stack's synthesizer publishes its image asset here
 * (DefaultStackSynthesizer `imageAssetsRepositoryName`) instead of the shared bootstrap repository, so the
 * repository can scan every image on push and expire old ones. It lives in the long-lived stack because it
 * must exist before the bot stack's assets are published (the CLI publishes a stack's assets after the stacks
 * it depends on are deployed).
 */
import { Aws, BOOTSTRAP_QUALIFIER_CONTEXT, DefaultStackSynthesizer, Fn } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface FunctionImageRepositoryProps {
  /** Fixed, because the bot stack's synthesizer needs it before any template exists. */
  readonly repositoryName: string;
  /** Images kept; older ones expire. */
  readonly keepImages?: number;
  /**
   * CDK bootstrap qualifier of the target environment. By default the one the app's synthesizers use: context
   * `@aws-cdk/core:bootstrapQualifier` (cdk.json or `-c`), else `hnb659fds`.
   */
  readonly bootstrapQualifier?: string;
}

export class FunctionImageRepository extends Construct {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: FunctionImageRepositoryProps) {
    super(scope, id);
    this.repository = new ecr.Repository(this, 'Repository', {
      repositoryName: props.repositoryName,
      imageScanOnPush: true,
      // Tags are content hashes written once by the CDK asset publisher.
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      lifecycleRules: [
        {
          description: 'Keep the images of the last few deployments; the newest is the one the function runs.',
          maxImageCount: props.keepImages ?? 10,
        },
      ],
    });

    // The bootstrap image-publishing role may only push to the bootstrap repository unless this one lets it in.
    // A custom qualifier renames the publishing role; naming the default one here denied the push.
    const qualifier =
      props.bootstrapQualifier ??
      (this.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) as string | undefined) ??
      DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const publishingRoleArn = Fn.join('', [
      'arn:',
      Aws.PARTITION,
      ':iam::',
      Aws.ACCOUNT_ID,
      `:role/cdk-${qualifier}-image-publishing-role-`,
      Aws.ACCOUNT_ID,
      '-',
      Aws.REGION,
    ]);
    this.repository.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CdkAssetPublishing',
        principals: [new iam.ArnPrincipal(publishingRoleArn)],
        actions: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:BatchGetImage',
          'ecr:CompleteLayerUpload',
          'ecr:DescribeImages',
          'ecr:DescribeRepositories',
          'ecr:GetDownloadUrlForLayer',
          'ecr:InitiateLayerUpload',
          'ecr:PutImage',
          'ecr:UploadLayerPart',
        ],
      }),
    );
    // Lambda pulls the image with its service principal; stating it here keeps CloudFormation and Lambda from
    // rewriting each other's repository policy.
    this.repository.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'LambdaImagePull',
        principals: [new iam.ServicePrincipal('lambda.amazonaws.com')],
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
  }
}
