-- Facts about the database itself. database_id names this database: random,
-- made once when the table is created, kept by backups (VACUUM INTO copies
-- it), so that files that belong to the database, such as the personal-data
-- key file serve keeps beside it, can say which database they belong to.
CREATE TABLE store_meta (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO store_meta (key, value) VALUES ('database_id', lower(hex(randomblob(16))));
