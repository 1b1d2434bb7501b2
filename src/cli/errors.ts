/**
 * What a command can fail with, and the exit code each one gets (documented in README):
 * 0 ok, 1 the server refused or could not be reached, 2 a usage mistake, 130 interrupted.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A mistake in how the command was called (missing option, malformed value): exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

export const EXIT = { ok: 0, api: 1, usage: 2, interrupted: 130 } as const;
