/**
 * CloudFormation output keys the stacks export and the tools (flow import/export, smoke test, deploy) read.
 * One list, so a renamed output breaks a test instead of a deployment.
 */
export const STACK_OUTPUTS = {
  /** Contact-center stack. */
  connectInstanceArn: 'ConnectInstanceArn',
  connectInstanceId: 'ConnectInstanceId',
  phoneNumber: 'PhoneNumber',
  phoneNumberArn: 'PhoneNumberArn',
  supportQueueArn: 'SupportQueueArn',
  adminUserSecretArn: 'AdminUserSecretArn',
  recordingsBucketName: 'RecordingsBucketName',
  functionImageRepositoryName: 'FunctionImageRepositoryName',
  transcriptBucketName: 'TranscriptBucketName',
  /** Bot stack. */
  botId: 'BotId',
  botAliasId: 'BotAliasId',
  botAliasArn: 'BotAliasArn',
  botLocaleId: 'BotLocaleId',
  functionName: 'FunctionName',
  callMemoryTableName: 'CallMemoryTableName',
  /** Only when OpenAI is the primary or the fallback model. */
  openAiKeySecretArn: 'OpenAiKeySecretArn',
  /** Only when Azure OpenAI is the primary or the fallback model. */
  azureOpenAiKeySecretArn: 'AzureOpenAiKeySecretArn',
  contactFlowArn: 'ContactFlowArn',
  /** Absent when the deployment looks orders up in the business's API (orderLookupUrl). */
  ordersTableName: 'OrdersTableName',
  /** Present only when it does. */
  orderLookupUrl: 'OrderLookupUrl',
  dashboardName: 'DashboardName',
  /** Web chat stack. */
  webChatUrl: 'WebChatUrl',
  startChatUrl: 'StartChatUrl',
} as const;
