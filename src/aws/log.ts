// The AWS layer logs through this small interface; the extension hands in its LogOutputChannel.
// Callers log actions, profiles, regions, endpoints and durations, never credentials or item values.

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const ignore = (): void => undefined;

export const silentLogger: Logger = { trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };
