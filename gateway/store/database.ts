// Opening the store: WAL mode, integrity check, schema migrations. A file that is not a
// database, is damaged, or was written by a newer nabo stops start-up with a StoreError that
// says so; nothing here ever deletes or recreates a database on its own.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { STORE_MIGRATIONS, STORE_SCHEMA_VERSION, type StoreMigration } from './migrations.js';

export type StoreErrorKind = 'corrupt' | 'newer-version' | 'not-a-database' | 'io';

export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export type Db = Database.Database;

export interface OpenOptions {
  /** Run `PRAGMA quick_check` on open (default true; a few ms on a small file). */
  check?: boolean;
  readonly?: boolean;
  migrations?: ReadonlyArray<StoreMigration>;
}

function classify(err: unknown, file: string): StoreError {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB') return new StoreError('not-a-database', `${file} is not a SQLite database (or its header is damaged); move it aside to start a new one`, { cause: err });
  if (code === 'SQLITE_CORRUPT') return new StoreError('corrupt', `${file} is damaged (${(err as Error).message}); restore a backup or move it aside`, { cause: err });
  return new StoreError('io', `cannot open ${file}: ${(err as Error).message}`, { cause: err });
}

export function schemaVersion(db: Db): number {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!has) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/** Applies the migrations above the database's version, each in one transaction. */
export function migrate(db: Db, migrations: ReadonlyArray<StoreMigration> = STORE_MIGRATIONS, nowMs: number = 0): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, describe TEXT NOT NULL, applied_ms INTEGER NOT NULL)');
  const current = schemaVersion(db);
  const known = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  if (current > known) {
    throw new StoreError('newer-version', `the database is at schema version ${current}, newer than this nabo knows (${known}); upgrade nabo or use the database with the version that wrote it`);
  }
  const record = db.prepare('INSERT INTO schema_version (version, describe, applied_ms) VALUES (?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.describe, nowMs);
    })();
  }
  return schemaVersion(db);
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const creating = file === ':memory:' || !existsSync(file);
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw classify(err, file);
  }
  try {
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // NORMAL is crash-safe in WAL mode (a process crash loses nothing committed); the outbox
      // and trades switch to FULL around their own commits (see durable.ts).
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    }
    if (!creating && options.check !== false) {
      const result = db.pragma('quick_check', { simple: true });
      if (result !== 'ok') throw new StoreError('corrupt', `${file} failed its integrity check: ${String(result)}; restore a backup or move it aside`);
    }
    if (!options.readonly) migrate(db, options.migrations ?? STORE_MIGRATIONS);
    else if (schemaVersion(db) > STORE_SCHEMA_VERSION) throw new StoreError('newer-version', `${file} has schema version ${schemaVersion(db)}, newer than this nabo knows (${STORE_SCHEMA_VERSION})`);
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    throw classify(err, file);
  }
  return db;
}

/**
 * Runs `fn` in one transaction committed with synchronous=FULL, so the commit has reached the
 * disk (not only the OS) when this returns: for records that leave the box or carry money.
 */
export function durableTransaction<T>(db: Db, fn: () => T): T {
  db.pragma('synchronous = FULL');
  try {
    return db.transaction(fn)();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}
