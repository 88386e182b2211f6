/**
 * The function role's permission to call one Bedrock model through the Converse API, and nothing wider.
 *
 * Converse needs `bedrock:InvokeModel` on the model it names
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-prereq.html). A foundation model id is one
 * ARN in the function's Region. A cross-Region inference profile (`us.amazon.nova-lite-v1:0`) needs the profile
 * and, as AWS requires, the foundation model in every Region the profile routes to
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html: "If you specify an
 * inference profile in the Resource field, you must also specify the foundation model in each Region associated
 * with it"). Those Regions are the profile's to choose and grow (a global profile routes to every commercial
 * Region), so the foundation model is granted in any Region but only through this one profile: the
 * `bedrock:InferenceProfileArn` condition, the form the same page gives for "invoke only through an inference
 * profile". Calling the model directly, or another model, stays denied.
 */
import { type Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** The geography prefixes of Bedrock's system-defined (cross-Region) inference profiles. */
const INFERENCE_PROFILE_PREFIXES = ['us', 'us-gov', 'eu', 'apac', 'jp', 'au', 'ca', 'global'];

/** The model an inference profile routes to (`us.amazon.nova-lite-v1:0` → `amazon.nova-lite-v1:0`), if it is one. */
export function inferenceProfileModel(modelId: string): string | undefined {
  const [prefix, ...rest] = modelId.split('.');
  return prefix !== undefined && INFERENCE_PROFILE_PREFIXES.includes(prefix) && rest.length >= 2
    ? rest.join('.')
    : undefined;
}

/** Lets `role` (in `stack`) call `modelId` with Converse. */
export function grantBedrockInvoke(stack: Stack, role: iam.Role, modelId: string): void {
  const { partition, region, account } = stack;
  const routedModel = inferenceProfileModel(modelId);
  if (routedModel === undefined) {
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['bedrock:InvokeModel'],
        resources: [`arn:${partition}:bedrock:${region}::foundation-model/${modelId}`],
      }),
    );
    return;
  }
  const profileArn = `arn:${partition}:bedrock:${region}:${account}:inference-profile/${modelId}`;
  role.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [profileArn] }));
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel'],
      resources: [`arn:${partition}:bedrock:*::foundation-model/${routedModel}`],
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
    }),
  );
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/${routedModel}]`,
    reason:
      `One model (${routedModel}) in the Regions its inference profile routes to, which AWS requires and the profile ` +
      'chooses; the bedrock:InferenceProfileArn condition allows it only through this one profile.',
  });
}
