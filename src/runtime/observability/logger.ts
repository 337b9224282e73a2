/** Structured JSON log lines: one object per line, so CloudWatch Logs Insights can query every field. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

const ORDER: Record<LogLevel, number> = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3 };

export class Logger {
  private readonly threshold: number;

  constructor(level: string | undefined = process.env.LOG_LEVEL, private readonly sink: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {
    this.threshold = ORDER[(level?.toUpperCase() as LogLevel) ?? 'INFO'] ?? ORDER.INFO;
  }

  debug(message: string, fields?: Record<string, unknown>): void { this.log('DEBUG', message, fields); }
  info(message: string, fields?: Record<string, unknown>): void { this.log('INFO', message, fields); }
  warn(message: string, fields?: Record<string, unknown>): void { this.log('WARN', message, fields); }
  error(message: string, fields?: Record<string, unknown>): void { this.log('ERROR', message, fields); }

  private log(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (ORDER[level] < this.threshold) return;
    this.sink(JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...fields }));
  }
}

export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
  return { error: error.message, errorName: error.name, httpStatusCode: metadata?.httpStatusCode, requestId: metadata?.requestId };
}
