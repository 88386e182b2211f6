/**
 * The chat page: a private bucket behind CloudFront, read through origin access control (only this distribution
 * may read the bucket; nothing in it is public), HTTPS only, with the managed security-headers policy. The page's
 * backend goes into `config.json` beside it at deploy time, so the same built page serves any deployment.
 */
import { DefaultStackSynthesizer, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { PRIVATE_BUCKET } from '../private-bucket';

export interface ChatSiteProps {
  /** The built page (index.html and its assets). */
  readonly siteDirectory: string;
}

export class ChatSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** https://<distribution domain>, the origin the API allows. */
  readonly origin: string;
  /** The page's address. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ChatSiteProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...PRIVATE_BUCKET,
      // Only the built page lives here: rebuilt on every deploy, so nothing is lost with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the public chat page, written by the deployment and read by CloudFront through ' +
        'origin access control; reads are seen in CloudFront, and chats in the API access logs.',
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Chalkbot web chat page',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/`;
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'A support chat is for customers wherever they are; the business can add geo restrictions if it ' +
          'serves one country.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves one static page; what can be abused, starting chats, is behind the API and ' +
          'its own ' +
          'WAF rate-based rule per IP.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'Requests for a static page say little; the chats themselves are logged by the API (access logs) and by ' +
          'Connect, and a CloudFront log bucket would need ACLs enabled.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose TLS policy ' +
          'cannot ' +
          'be chosen; the viewer policy asks for TLS 1.2 and is applied once a custom domain is added.',
      },
    );

    new s3deploy.BucketDeployment(this, 'Page', {
      sources: [s3deploy.Source.asset(props.siteDirectory)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      memoryLimit: 256,
    });
  }

  /** Writes the page's backend configuration next to it (values may be deploy-time tokens). */
  addConfig(fileName: string, config: object): void {
    new s3deploy.BucketDeployment(this, 'Config', {
      sources: [s3deploy.Source.jsonData(fileName, config)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: [`/${fileName}`],
      // The page's own deployment prunes everything it did not write; this one must not prune the page.
      prune: false,
      memoryLimit: 256,
    });
    acknowledgeBucketDeployment(
      Stack.of(this),
      Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket),
    );
  }
}

/** BucketDeployment runs one CDK-provided function per stack; say why its findings are acceptable. */
function acknowledgeBucketDeployment(stack: Stack, bucketLogicalId: string): void {
  const qualifier = DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const copyRights = [
    'Action::s3:GetObject*',
    'Action::s3:GetBucket*',
    'Action::s3:List*',
    'Action::s3:DeleteObject*',
    'Action::s3:Abort*',
    `Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*`,
    `Resource::<${bucketLogicalId}.Arn>/*`,
    // cloudfront:CreateInvalidation, which takes no resource narrower than *.
    'Resource::*',
  ];
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    Validations.of(child).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'The CDK-provided deployment function only writes its own logs with this policy; its S3 rights are below.',
      },
      ...copyRights.map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          'The CDK-provided deployment function copies the page from the CDK asset bucket to this site bucket and ' +
          'invalidates the distribution; its object wildcards are limited to those two buckets.',
      })),
      {
        id: 'AwsSolutions-L1',
        reason:
          'The CDK-provided deployment function runs on the runtime aws-cdk-lib chooses; it is updated with ' +
          'aws-cdk-lib.',
      },
    );
  }
}
