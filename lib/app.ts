/**
 * The whole Chalkbot app: settings in, two stacks out (three with the web chat), cdk-nag over all. `bin/chalkbot.ts` calls this for the
 * CLI and the tests call it in process, so what the tests check is what `cdk synth` prints.
 */
import { join } from 'node:path';
import { type App, DefaultStackSynthesizer, Fn, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BotStack } from './bot/bot-stack';
import { GitLabCiAccessStack, gitlabCiAccessPropsFromContext } from './ci/gitlab-ci-access-stack';
import { SmokeTestAccess } from './ci/smoke-test-access';
import { ContactCenterStack } from './contact-center/contact-center-stack';
import { bucketArnExports } from './operations/transcript-bucket';
import {
  type ChalkbotSettings,
  functionImageRepositoryName,
  readSettings,
  SettingsError,
  stackNames,
} from './settings';
import { WebChatStack } from './web-chat/web-chat-stack';

/** The function's Docker build context in the repo. */
export const FUNCTION_IMAGE_DIRECTORY = join(__dirname, '..', 'lambda');

/** The transcript archiver's bundle (`npm run build`, scripts/build-lambda.mjs). */
const ARCHIVER_DIRECTORY = join(__dirname, '..', 'lambda', 'dist-archiver');

/** The built chat page (`npm run build`, scripts/build-web.mjs). */
export const WEB_SITE_DIRECTORY = join(__dirname, '..', 'web', 'dist');

export interface ChalkbotAppOptions {
  /** Another Docker build context for the function (tests); the repo's `lambda/` by default. */
  readonly imageDirectory?: string;
  /** Another archiver bundle directory (tests); the repo's `lambda/dist-archiver` by default. */
  readonly archiverDirectory?: string;
  /** Another built chat page (tests); the repo's `web/dist` by default. */
  readonly siteDirectory?: string;
  /** Another inbound flow file (tests); the repo's contact-flows/chalkbot-inbound.json by default. */
  readonly flowFile?: string;
}

export interface ChalkbotStacks {
  readonly settings: ChalkbotSettings;
  readonly contactCenter: ContactCenterStack;
  readonly bot: BotStack;
  /** Only with the `webChat` setting. */
  readonly webChat?: WebChatStack;
}

/**
 * The app as `cdk synth` runs it (bin/chalkbot.ts): the stacks built into `app`, and exit code 0; or, when a
 * setting a person typed is wrong, one line per problem through `write` (not a Node stack trace around them), and
 * exit code 1. Any other error is a bug, and is thrown with its stack.
 */
export function runChalkbotApp(
  app: App,
  write: (line: string) => unknown = (line) => process.stderr.write(line),
): 0 | 1 {
  try {
    buildChalkbotApp(app);
    return 0;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    for (const problem of error.problems) write(`Setting error: ${problem}\n`);
    return 1;
  }
}

export function buildChalkbotApp(app: App, options: ChalkbotAppOptions = {}): ChalkbotStacks {
  const settings = readSettings(app.node);
  const names = stackNames(settings.prefix);

  const contactCenter = new ContactCenterStack(app, names.contactCenter, {
    settings,
    description: 'Chalkbot contact center: Connect instance, phone number, queue, recordings (long-lived)',
  });

  const bot = new BotStack(app, names.bot, {
    settings,
    description: 'Chalkbot bot: Lex bot, answer function, call memory and the inbound flow',
    instanceArn: contactCenter.instanceArn,
    phoneNumberArn: contactCenter.phoneNumberArn,
    queueArnsByName: contactCenter.queueArnsByName,
    imageDirectory: options.imageDirectory ?? FUNCTION_IMAGE_DIRECTORY,
    archiverDirectory: options.archiverDirectory ?? ARCHIVER_DIRECTORY,
    // By our own export names (lib/operations/transcript-bucket.ts), not the CDK's generated ones.
    transcriptBucketArn: Fn.importValue(bucketArnExports(settings.prefix).transcripts),
    audioLogBucketArn:
      settings.lexAudioLogs && contactCenter.recordingsBucket
        ? Fn.importValue(bucketArnExports(settings.prefix).recordings)
        : undefined,
    flowFile: options.flowFile,
    // The function image goes to the contact-center stack's repository (scan on push, lifecycle rule).
    synthesizer: new DefaultStackSynthesizer({ imageAssetsRepositoryName: functionImageRepositoryName(settings) }),
  });
  // The repository is referenced by name, not by a token, so say the order out loud: the CLI publishes the
  // bot's image only after the stacks the bot depends on are deployed.
  bot.addStackDependency(contactCenter, 'the function image is pushed to the contact-center repository');

  // Chats start in the inbound flow, which skips its voice-only blocks on the CHAT channel.
  const webChat = settings.webChat
    ? new WebChatStack(app, names.webChat, {
        settings,
        description: 'Chalkbot web chat: the chat page (S3, CloudFront) and the start-chat API (API Gateway, WAF)',
        instanceArn: contactCenter.instanceArn,
        contactFlowArn: bot.inboundFlow.contactFlow.attrContactFlowArn,
        siteDirectory: options.siteDirectory ?? WEB_SITE_DIRECTORY,
      })
    : undefined;

  // The pipeline's GitLab OIDC access (lib/ci): only when the `gitlabProjectPath` setting names the project.
  const gitlabCi = gitlabCiAccessPropsFromContext((key) => app.node.tryGetContext(key));
  if (gitlabCi) {
    const ci = new GitLabCiAccessStack(app, names.gitlabCi, {
      ...gitlabCi,
      stackNamePrefix: settings.prefix,
      description:
        'Chalkbot GitLab CI access: the GitLab OIDC provider, a read-only diff role and a main-only deploy role',
    });
    // In the bot stack, on this app's alias only; the bot stack then deploys after the CI stack (see why there).
    new SmokeTestAccess(bot, 'GitLabSmokeTestAccess', { role: ci.deployRole, botAlias: bot.lexBot.alias });
  }

  // Always on, not only in tests: an unacknowledged finding fails `cdk synth`, in the pipeline as well.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { settings, contactCenter, bot, webChat };
}
