/**
 * Builds the Chalkbot app in process, with cdk.json's context (settings and feature flags) as the CLI would read
 * it, plus per-test overrides such as `{ prefix: 'demo' }`.
 *
 * The function image's build context is a fixture with a Dockerfile: these tests check templates, which only
 * hash the context. The real `lambda/` is exercised by cli-synth.test.ts.
 *
 * The app is built by Node's own `require`, not jest's. Jest evaluates every module again in each test file's
 * sandbox, and a synth loads most of aws-cdk-lib, cdk-nag and cdk-monitoring-constructs: a test file's first
 * synth took 15 to 19 s under jest, against 5 s in Node, whose module cache a worker keeps from one test file to
 * the next. What crosses back is the app's constructs, whose CDK types are told by `Symbol.for` marks (so
 * `Stack.isStack` holds on either side, `instanceof` does not), and templates as JSON.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Module } from 'node:module';
import { join } from 'node:path';
import type { App, Stack, Stage } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { Template } from 'aws-cdk-lib/assertions';
import type { ChalkbotStacks } from '../../lib/app';

export const REPO_ROOT = join(__dirname, '..', '..');
export const TEST_IMAGE_DIRECTORY = join(__dirname, 'fixtures', 'function-image');
/** A stand-in for the built chat page: templates only hash the site's files. */
export const TEST_SITE_DIRECTORY = join(__dirname, 'fixtures', 'web-site');
/** A stand-in for the archiver's bundle, for the same reason. */
const TEST_ARCHIVER_DIRECTORY = join(__dirname, 'fixtures', 'archiver');

/**
 * Node's own require, through test/infra/in-node.cjs. Jest hands a test its own `module`, whose `createRequire`
 * is jest's; its Module class extends Node's, though, and a module made from it requires through Node.
 */
const { requireInNode, env } = new Module(__filename).require(join(__dirname, 'in-node.cjs')) as {
  requireInNode: (file: string) => unknown;
  env: NodeJS.ProcessEnv;
};

/** The environment the app sees when it is built: Node's, not the test's copy of it. */
export const appEnvironment = env;

/**
 * A module of the repository (TypeScript or not) or of node_modules, as Node loads it, once per jest worker. Its
 * exports live outside the test's sandbox: a CDK construct from there is no `instanceof` a class imported here.
 */
export function inNode<T>(id: string): T {
  return requireInNode(require.resolve(id.startsWith('.') ? join(__dirname, id) : id)) as T;
}

/** The CDK and the app's builder, loaded by Node (see the top of this file). */
function nodeCdk() {
  return {
    cdk: inNode<typeof import('aws-cdk-lib')>('aws-cdk-lib'),
    buildChalkbotApp: inNode<typeof import('../../lib/app')>('../../lib/app').buildChalkbotApp,
  };
}

/** cdk.json's context block. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
}

export function buildTestApp(
  context: Record<string, unknown> = {},
  options: { flowFile?: string; imageDirectory?: string } = {},
): ChalkbotStacks & { app: App } {
  const { cdk, buildChalkbotApp } = nodeCdk();
  const app = new cdk.App({ context: { ...cdkJsonContext(), ...context }, stackTraces: false });
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
  const stage = nodeCdk().cdk.Stage.of(stack);
  if (!stage) throw new Error(`${stack.stackName} is in no app`);
  let assembly = assemblies.get(stage);
  if (!assembly) {
    assembly = stage.synth();
    assemblies.set(stage, assembly);
  }
  // As JSON, so the template's objects are the test's own.
  return Template.fromJSON(JSON.parse(JSON.stringify(assembly.getStackByName(stack.stackName).template)));
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

/**
 * cdk-nag's AwsSolutions findings below `scope` that no acknowledgment covers, as "rule at path" lines. Run by
 * the cdk-nag that Node loaded, beside the app: the sandbox's own copy would know none of the app's constructs.
 */
export function nagFindings(scope: IConstruct): string[] {
  const { AwsSolutionsChecks } = inNode<typeof import('cdk-nag')>('cdk-nag');
  return new AwsSolutionsChecks()
    .validateScope(scope)
    .violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
}
