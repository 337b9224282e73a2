import { type LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/** The `service` key of every line unless the function's environment sets `POWERTOOLS_SERVICE_NAME`. */
export const SERVICE_NAME = 'ConfigMonitoring';

/**
 * Structured JSON log lines, one object per line, written by Powertools for AWS Lambda: the level comes from
 * `POWERTOOLS_LOG_LEVEL` (or `LOG_LEVEL`, or the function's advanced logging controls), `POWERTOOLS_LOGGER_SAMPLE_RATE`
 * turns DEBUG on for that share of invocations, and every line carries the invocation's Lambda context and, when the
 * handler knows one, its `correlation_id`. The call shape stays `logger.info(message, fields)`: `fields` are top-level
 * keys of the line, so CloudWatch Logs Insights queries every one of them.
 */
export class Logger extends PowertoolsLogger {
  /**
   * @param level overrides the environment's level (tests pin it)
   * @param sink receives each line instead of stdout/stderr, so tests can read what was logged
   */
  constructor(level?: string, private readonly sink?: (line: string) => void) {
    super({
      ...(level ? { logLevel: level.toUpperCase() as 'DEBUG' } : {}),
      // Powertools' default would be 'service_undefined' on every line; an operator's POWERTOOLS_SERVICE_NAME still wins.
      serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME,
    });
  }

  /**
   * Call first in every invocation: the Lambda context (request id, cold start, function) on every line, a fresh
   * sampling decision, and no key left over from the previous invocation of this container.
   */
  startInvocation(context: Context | undefined, correlationId?: string): void {
    this.resetKeys();
    if (context?.awsRequestId) this.addContext(context);
    this.refreshSampleRateCalculation();
    if (correlationId) this.setCorrelationId(correlationId);
  }

  // Powertools' own notice of a sampled container is printed while its constructor runs, before `sink` is set:
  // that one line goes to stdout whatever the sink.
  protected override printLog(logLevel: number, log: LogItem): void {
    if (!this.sink) return super.printLog(logLevel, log);
    log.prepareForPrint();
    this.sink(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }
}

export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
  return { error: error.message, errorName: error.name, httpStatusCode: metadata?.httpStatusCode, requestId: metadata?.requestId };
}
