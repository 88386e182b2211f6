/**
 * Builds the Chalkbot app in process, with cdk.json's context (settings and feature flags) as the CLI would read
 * it, plus per-test overrides such as `{ prefix: 'demo' }`.
 *
 * The function image's build context is a fixture with a Dockerfile: these tests check templates, which only
 * hash the context. The real `lambda/` is exercised by cli-synth.test.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Stack, Stage } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { Template } from 'aws-cdk-lib/assertions';
import { buildChalkbotApp, type ChalkbotStacks } from '../../lib/app';

export const REPO_ROOT = join(__dirname, '..', '..');
export const TEST_IMAGE_DIRECTORY = join(__dirname, 'fixtures', 'function-image');
/** A stand-in for the built chat page: templates only hash the site's files. */
export const TEST_SITE_DIRECTORY = join(__dirname, 'fixtures', 'web-site');
/** A stand-in for the archiver's bundle, for the same reason. */
const TEST_ARCHIVER_DIRECTORY = join(__dirname, 'fixtures', 'archiver');

/** cdk.json's context block. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
}

export function buildTestApp(
  context: Record<string, unknown> = {},
  options: { flowFile?: string; imageDirectory?: string } = {},
): ChalkbotStacks & { app: App } {
  const app = new App({ context: { ...cdkJsonContext(), ...context }, stackTraces: false });
  return {
    app,
    ...buildChalkbotApp(app, {
      imageDirectory: TEST_IMAGE_DIRECTORY,
      siteDirectory: TEST_SITE_DIRECTORY,
      archiverDirectory: TEST_ARCHIVER_DIRECTORY,
      ...options,
    }),
  };
}

const assemblies = new WeakMap<Stage, CloudAssembly>();

/**
 * A stack's template, from one synth of its app however many of its stacks are read (Template.fromStack would
 * synthesize the whole app again for each).
 */
export function templateOf(stack: Stack): Template {
  const stage = Stage.of(stack);
  if (!stage) return Template.fromStack(stack);
  let assembly = assemblies.get(stage);
  if (!assembly) {
    assembly = stage.synth();
    assemblies.set(stage, assembly);
  }
  return Template.fromJSON(assembly.getStackByName(stack.stackName).template);
}

type StackRole = 'contactCenter' | 'bot';
type TemplateJson = Record<string, unknown>;

const synthesized = new Map<string, Record<StackRole, TemplateJson>>();

/**
 * The app's templates for a context, synthesized once per test run: a synth (with the cdk-nag checks) takes
 * seconds, and most test files read the same few variants. Within a file the result is kept in memory; across
 * files, in the run's folder (test/support/global-setup.ts). The code cannot change during a run, so the context
 * is the whole key.
 */
export function templatesFor(context: Record<string, unknown> = {}): Record<StackRole, Template> {
  const full = { ...cdkJsonContext(), ...context };
  const key = createHash('sha256').update(JSON.stringify(full)).digest('hex').slice(0, 16);
  let templates = synthesized.get(key);
  const runCache = process.env.CHALKBOT_TEST_RUN_CACHE;
  const file = runCache ? join(runCache, `templates-${key}.json`) : undefined;
  if (!templates && file && existsSync(file)) templates = JSON.parse(readFileSync(file, 'utf8'));
  if (!templates) {
    const { contactCenter, bot } = buildTestApp(context);
    templates = { contactCenter: templateOf(contactCenter).toJSON(), bot: templateOf(bot).toJSON() };
    if (file) {
      // Written whole, then renamed: another worker reading at the same time sees all of it or nothing.
      writeFileSync(`${file}.${process.pid}`, JSON.stringify(templates));
      renameSync(`${file}.${process.pid}`, file);
    }
  }
  synthesized.set(key, templates);
  return { contactCenter: Template.fromJSON(templates.contactCenter), bot: Template.fromJSON(templates.bot) };
}
