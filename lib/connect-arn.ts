/** Ids inside Connect ARNs, for the APIs that take an id where CloudFormation only returns an ARN. */
import { Fn } from 'aws-cdk-lib';

/**
 * The `index`-th `/`-separated part of a Connect ARN: 1 is the instance id in `...:instance/<id>` and the phone
 * number id in `...:phone-number/<id>`, 3 the flow id in `...:instance/<id>/contact-flow/<id>`. CloudFormation
 * splits a deploy-time ARN; CDK folds a literal one at synth.
 */
export function arnPathPart(arn: string, index: number): string {
  return Fn.select(index, Fn.split('/', arn));
}
