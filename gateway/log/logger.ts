// Logging: pino, JSON lines on stderr for services, pretty when stderr is a terminal.
// Secrets are redacted by field name wherever they appear in a logged object.
import { pino, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/** Field names whose values never reach a log line. */
export const REDACTED_FIELDS = ['password', 'encryptionKey', 'authenticationKey', 'privateKey', 'secret', 'token', 'seed'];

export const REDACT_PATHS = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*[*].${f}`, `*.*[*].${f}`]);

export interface LoggerSetup {
  level?: string;
  /** Force pretty or JSON; by default pretty exactly when stderr is a terminal. */
  pretty?: boolean;
  /** Where lines go (default stderr); tests pass a stream to read them. */
  destination?: NodeJS.WritableStream;
  name?: string;
}

export function createLogger(setup: LoggerSetup = {}): Logger {
  const options: LoggerOptions = {
    level: setup.level ?? process.env.NABO_LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: setup.name ? { name: setup.name } : null,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const usePretty = setup.pretty ?? Boolean(process.stderr.isTTY);
  if (usePretty) {
    const stream = pretty({ destination: setup.destination ?? 2, colorize: setup.destination === undefined && Boolean(process.stderr.isTTY), translateTime: 'SYS:HH:MM:ss.l', sync: true });
    return pino(options, stream);
  }
  return pino(options, setup.destination ?? pino.destination({ fd: 2, sync: true }));
}
