//! The file format: DDL of the current schema and the ordered migrations that bring older files
//! up to it. `PRAGMA user_version` is the schema version; `PRAGMA application_id` marks the file
//! as a Gongkai workbook.

use rusqlite::Connection;

/// "GKAI" — written into the SQLite header so a foreign database is recognised before any write.
pub const APPLICATION_ID: i32 = 0x474B_4149;

/// The schema version this program writes.
pub const SCHEMA_VERSION: i32 = 1;

/// Schema version 1.
pub const SCHEMA_V1: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
-- A row of a table exists (name = the user's 科目名称, '' = the code list's name).
CREATE TABLE rows (
    tbl     TEXT NOT NULL,
    row_key TEXT NOT NULL,
    name    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tbl, row_key)
) WITHOUT ROWID;
-- Input cells by official coordinates; asserted = 1 for figures asserted on derived cells.
CREATE TABLE cells (
    tbl      TEXT NOT NULL,
    row_key  TEXT NOT NULL,
    asserted INTEGER NOT NULL,
    col      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (tbl, row_key, asserted, col)
) WITHOUT ROWID;
CREATE TABLE texts (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
-- 自评表 / 目标表 / 基础数据表 records: body is the form's JSON.
CREATE TABLE records (
    id   TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
) WITHOUT ROWID;
-- Edit history: one step per user action (a typed cell, a paste, an import); undone = 1 marks
-- steps that can be redone.
CREATE TABLE steps (
    id     INTEGER PRIMARY KEY,
    label  TEXT NOT NULL,
    at     TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX steps_by_state ON steps (undone, id);
CREATE TABLE changes (
    step INTEGER NOT NULL,
    seq  INTEGER NOT NULL,
    slot TEXT NOT NULL,
    old  TEXT,
    new  TEXT,
    PRIMARY KEY (step, seq)
) WITHOUT ROWID;
-- Named snapshots (e.g. 报财政审核稿): the workbook's interchange JSON at that moment.
CREATE TABLE versions (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    at       TEXT NOT NULL,
    snapshot TEXT NOT NULL
);
";

/// One step from schema version `from` to `from + 1`.
pub struct Migration {
    pub from: i32,
    pub apply: fn(&Connection) -> rusqlite::Result<()>,
}

/// Migrations in order. Each must come with a test that opens a fixture file of version `from`
/// (tests/fixtures/store-v{from}.sqlite).
pub const MIGRATIONS: &[Migration] = &[];
