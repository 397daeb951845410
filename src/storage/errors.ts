/**
 * Stored data that cannot be trusted: a data file (start-up stops and the file is left exactly as it is) or a
 * PostgreSQL row failing its schema (the row is left as it is).
 */
export class StorageError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    message = `Data file ${file} ${problem}. It was not changed; fix it or move it away, then start again.`,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}
