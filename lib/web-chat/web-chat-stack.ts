/**
 * The web chat, deployed only with the `webChat` setting: the chat page on CloudFront, the start-chat API that
 * starts a Connect chat on the inbound flow (the same flow, bot and function as the phone), and the site's origin
 * approved on the instance, which the participant service requires of the browser (its CORS answer).
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import type { Construct } from 'constructs';
import { STACK_OUTPUTS } from '../definition/stack-outputs';
import { WEB_CHAT_CONFIG_FILE, type WebChatConfig } from '../definition/web-chat';
import type { ChalkbotSettings } from '../settings';
import { ChatSite } from './chat-site';
import { StartChatApi } from './start-chat-api';

export interface WebChatStackProps extends StackProps {
  readonly settings: ChalkbotSettings;
  readonly instanceArn: string;
  /** The flow chats start in: the inbound flow, which checks the channel. */
  readonly contactFlowArn: string;
  /** The built page (`npm run build` writes web/dist). */
  readonly siteDirectory: string;
}

export class WebChatStack extends Stack {
  readonly site: ChatSite;
  readonly api: StartChatApi;
  readonly approvedOrigin: connect.CfnApprovedOrigin;

  constructor(scope: Construct, id: string, props: WebChatStackProps) {
    super(scope, id, props);

    this.site = new ChatSite(this, 'Site', { siteDirectory: props.siteDirectory });
    this.api = new StartChatApi(this, 'StartChat', {
      instanceArn: props.instanceArn,
      contactFlowArn: props.contactFlowArn,
      siteOrigin: this.site.origin,
      startsPerIp: props.settings.webChatStartsPerIp,
    });
    const config: WebChatConfig = { startChatUrl: this.api.startChatUrl, region: this.region };
    this.site.addConfig(WEB_CHAT_CONFIG_FILE, config);

    // The participant service answers the browser's CORS preflight only for an approved origin
    // (github.com/amazon-connect/amazon-connect-chat-ui-examples/issues/43).
    this.approvedOrigin = new connect.CfnApprovedOrigin(this, 'ApprovedOrigin', {
      instanceId: props.instanceArn,
      origin: this.site.origin,
    });

    new CfnOutput(this, STACK_OUTPUTS.webChatUrl, { value: this.site.url, description: 'The web chat page' });
    new CfnOutput(this, STACK_OUTPUTS.startChatUrl, { value: this.api.startChatUrl });
  }
}
