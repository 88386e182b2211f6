#!/usr/bin/env node
/** The CDK app entry (cdk.json "app"): settings come from cdk.json context and `-c`; the stacks live in lib/. */
import { App } from 'aws-cdk-lib';
import { buildChalkbotApp } from '../lib/app';
import { SettingsError } from '../lib/settings';

try {
  buildChalkbotApp(new App());
} catch (error) {
  // A setting a person typed gets one line per problem, not a Node stack trace around it.
  if (!(error instanceof SettingsError)) throw error;
  for (const problem of error.problems) process.stderr.write(`Setting error: ${problem}\n`);
  process.exit(1);
}
