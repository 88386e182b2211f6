#!/usr/bin/env node
/** The CDK app entry (cdk.json "app"): settings come from cdk.json context and `-c`; the stacks live in lib/. */
import { App } from 'aws-cdk-lib';
import { buildChalkbotApp } from '../lib/app';

buildChalkbotApp(new App());
