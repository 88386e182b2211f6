/**
 * How long CloudWatch keeps the logs we own: the answer function's, the custom-resource provider's and Connect's
 * flow logs. They can hold what callers said and who called, and call memory itself lives only a day or so, so
 * nothing is kept forever (CloudWatch's default for a group nobody configured).
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** A month: long enough to look into last week's calls, short enough that call data does not pile up. */
export const LOG_RETENTION_DAYS = RetentionDays.ONE_MONTH;
