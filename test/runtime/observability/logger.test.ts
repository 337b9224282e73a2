import type { Context } from 'aws-lambda';
import { Logger } from '../../../src/runtime/observability/logger';

// The handlers' logger is Powertools for AWS Lambda's: these tests pin the conventions operators rely on
// (docs/guide/troubleshooting.md#logs) and the sink the other tests read log lines through.

const ENV = ['POWERTOOLS_LOG_LEVEL', 'LOG_LEVEL', 'POWERTOOLS_LOGGER_SAMPLE_RATE', 'POWERTOOLS_SERVICE_NAME', 'AWS_LAMBDA_LOG_LEVEL', 'POWERTOOLS_DEV'];
let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));
  for (const name of ENV) delete process.env[name];
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

function capture(level?: string): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  const logger = new Logger(level, (line) => written.push(line));
  return { logger, lines: () => written.map((line) => JSON.parse(line)) };
}

const context = (requestId: string) => ({
  awsRequestId: requestId,
  functionName: 'HandleConfigEvents-abc',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:HandleConfigEvents-abc',
  memoryLimitInMB: '1024',
}) as Context;

test('one JSON object per line: level, message, timestamp, service, then the fields at the top level', () => {
  const { logger, lines } = capture();
  logger.info('compliance transition', { account: '111111111111', compliance_status: 'NON_COMPLIANT' });
  expect(lines()).toEqual([expect.objectContaining({
    level: 'INFO',
    message: 'compliance transition',
    timestamp: expect.any(String),
    service: 'ConfigMonitoring',
    account: '111111111111',
    compliance_status: 'NON_COMPLIANT',
  })]);
});

test('POWERTOOLS_LOG_LEVEL sets the least level written; without it, INFO', () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
  const warnOnly = capture();
  warnOnly.logger.info('not written');
  warnOnly.logger.warn('written');
  expect(warnOnly.lines().map((line) => line.message)).toEqual(['written']);

  delete process.env.POWERTOOLS_LOG_LEVEL;
  const byDefault = capture();
  byDefault.logger.debug('not written');
  byDefault.logger.info('written');
  expect(byDefault.lines().map((line) => line.message)).toEqual(['written']);
});

test('POWERTOOLS_LOGGER_SAMPLE_RATE turns DEBUG on for the sampled invocations', () => {
  process.env.POWERTOOLS_LOGGER_SAMPLE_RATE = '1';
  const sampled = capture();
  sampled.logger.startInvocation(context('r1'));
  sampled.logger.debug('skipped event', { messageId: 'm1' });
  expect(sampled.lines()).toContainEqual(expect.objectContaining({ level: 'DEBUG', message: 'skipped event', sampling_rate: 1 }));

  process.env.POWERTOOLS_LOGGER_SAMPLE_RATE = '0';
  const unsampled = capture();
  unsampled.logger.startInvocation(context('r2'));
  unsampled.logger.debug('skipped event');
  expect(unsampled.lines()).toEqual([]);
});

test('every line of an invocation carries its Lambda context and correlation id, and none of the previous one', () => {
  const { logger, lines } = capture();
  logger.startInvocation(context('request-1'), 'api-request-1');
  logger.info('request refused');
  logger.startInvocation(context('request-2'));
  logger.info('batch processed');
  const [first, second] = lines();
  expect(first).toMatchObject({ function_request_id: 'request-1', correlation_id: 'api-request-1', function_name: 'HandleConfigEvents-abc' });
  expect(second).toMatchObject({ function_request_id: 'request-2', function_name: 'HandleConfigEvents-abc' });
  expect(second).not.toHaveProperty('correlation_id');
});

test('a handler invoked without a context (tests, the demo) still logs', () => {
  const { logger, lines } = capture('DEBUG');
  logger.startInvocation(undefined);
  logger.debug('reconciliation not run', { outcome: 'idle' });
  expect(lines()).toEqual([expect.objectContaining({ level: 'DEBUG', outcome: 'idle' })]);
  expect(lines()[0]).not.toHaveProperty('function_request_id');
});
