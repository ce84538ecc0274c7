// Structured logs: one JSON object per line on stdout (info) or stderr (warn, error).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function envLevel(): LogLevel {
  const value = process.env.SLUICE_LOG_LEVEL;
  return value === 'debug' || value === 'info' || value === 'warn' || value === 'error' ? value : 'info';
}

let threshold = levelRank[envLevel()];

export function setLogLevel(level: LogLevel): void {
  threshold = levelRank[level];
}

function write(level: LogLevel, msg: string, fields: LogFields): void {
  if (levelRank[level] < threshold) return;
  const line = `${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`;
  (levelRank[level] >= levelRank.warn ? process.stderr : process.stdout).write(line);
}

export const log = {
  debug: (msg: string, fields: LogFields = {}) => write('debug', msg, fields),
  info: (msg: string, fields: LogFields = {}) => write('info', msg, fields),
  warn: (msg: string, fields: LogFields = {}) => write('warn', msg, fields),
  error: (msg: string, fields: LogFields = {}) => write('error', msg, fields),
};
