/** The data store cannot be used as it is; the message says which file, what is wrong and what to do. */
export class StoreError extends Error {
  override name = "StoreError";
}

/** The database file failed its integrity check or is not a database; a copy was kept at backupPath. */
export class StoreCorruptError extends StoreError {
  override name = "StoreCorruptError";
  constructor(message: string, readonly path: string, readonly backupPath: string) {
    super(message);
  }
}

/** A repository call named a row that does not exist. */
export class NotFoundError extends StoreError {
  override name = "NotFoundError";
}
