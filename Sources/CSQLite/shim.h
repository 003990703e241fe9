// The system SQLite 3 (libsqlite3-dev). SQLITE_TRANSIENT is a cast macro Swift cannot import.
#ifndef GREENLEDGER_SQLITE_SHIM_H
#define GREENLEDGER_SQLITE_SHIM_H
#include <sqlite3.h>

/// Binds a blob that SQLite copies before this call returns.
static inline int gl_sqlite3_bind_blob_copy(sqlite3_stmt *statement, int index, const void *bytes, int length) {
    return sqlite3_bind_blob(statement, index, bytes, length, SQLITE_TRANSIENT);
}

/// Binds UTF-8 text that SQLite copies before this call returns.
static inline int gl_sqlite3_bind_text_copy(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}
#endif
