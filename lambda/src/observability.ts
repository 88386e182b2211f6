/**
 * Structured JSON logs (Powertools Logger) and CloudWatch metrics as EMF (Powertools Metrics).
 *
 * Both follow the standard Powertools environment variables: POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL,
 * POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_METRICS_DISABLED, POWERTOOLS_DEV. Tests and the local call set
 * POWERTOOLS_LOG_LEVEL=SILENT and POWERTOOLS_METRICS_DISABLED=true to stay quiet.
 *
 * What a caller says is logged at DEBUG only, never at INFO or above.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { FUNCTION_METRICS_NAMESPACE, FUNCTION_SERVICE_NAME } from '../../lib/definition/function-settings';

/** The same names the deployed function is given, so local and deployed logs and metrics line up. */
export const SERVICE_NAME = FUNCTION_SERVICE_NAME;
export const METRICS_NAMESPACE = FUNCTION_METRICS_NAMESPACE;

/** Metric names: one module names them for the function, its alarms and its dashboard. */
export { METRIC } from '../../lib/definition/metrics';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Powertools prefers constructor options over the environment; ours are only defaults, so the environment wins.
 * The service name, namespace and log level also follow `env` (createHandler's overrides laid over process.env);
 * POWERTOOLS_METRICS_DISABLED and POWERTOOLS_DEV are read by Powertools from process.env only.
 */
export function createObservability(env: Readonly<Record<string, string | undefined>> = process.env): Observability {
  const serviceName = env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME;
  // An unknown level is ignored by Powertools, which then falls back to its own environment variables.
  const logLevel = env.POWERTOOLS_LOG_LEVEL?.toUpperCase() as LogLevel | undefined;
  return {
    logger: new Logger({ serviceName, logLevel }),
    metrics: new Metrics({ serviceName, namespace: env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE }),
  };
}

export { MetricUnit };
