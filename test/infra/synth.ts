/**
 * Builds the Chalkbot app in process, with cdk.json's context (settings and feature flags) as the CLI would read
 * it, plus per-test overrides such as `{ prefix: 'demo' }`.
 *
 * The function image's build context is a fixture with a Dockerfile: these tests check templates, which only
 * hash the context. The real `lambda/` is exercised by cli-synth.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildChalkbotApp, type ChalkbotStacks } from '../../lib/app';

export const REPO_ROOT = join(__dirname, '..', '..');
export const TEST_IMAGE_DIRECTORY = join(__dirname, 'fixtures', 'function-image');
/** A stand-in for the built chat page: templates only hash the site's files. */
export const TEST_SITE_DIRECTORY = join(__dirname, 'fixtures', 'web-site');

/** cdk.json's context block. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
}

export function buildTestApp(context: Record<string, unknown> = {}, options: { flowFile?: string } = {}): ChalkbotStacks & { app: App } {
  const app = new App({ context: { ...cdkJsonContext(), ...context }, stackTraces: false });
  return { app, ...buildChalkbotApp(app, { imageDirectory: TEST_IMAGE_DIRECTORY, siteDirectory: TEST_SITE_DIRECTORY, ...options }) };
}

export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}
