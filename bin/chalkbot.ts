#!/usr/bin/env node
/** The CDK app entry (cdk.json "app"): settings come from cdk.json context and `-c`; the stacks live in lib/. */
import { App } from 'aws-cdk-lib';
import { runChalkbotApp } from '../lib/app';

// On bad settings, exit at once: the App would otherwise synthesize what was built of it when Node runs out of work.
if (runChalkbotApp(new App()) !== 0) process.exit(1);
