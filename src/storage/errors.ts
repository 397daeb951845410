/** A data file that cannot be trusted: start-up stops and the file is left exactly as it is. */
export class StorageError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`Data file ${file} ${problem}. It was not changed; fix it or move it away, then start again.`);
    this.name = 'StorageError';
  }
}
