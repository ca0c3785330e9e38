"""PostgreSQL's fast path for the registry import: each batch goes into a session-private staging table by
``COPY`` (psycopg 3 streams rows, no per-row statement), then one ``INSERT … SELECT … ON CONFLICT`` merges it
into ``citizens``, rewriting only the rows that changed."""

from __future__ import annotations

from sqlalchemy.engine import Connection

STAGING = "citizens_load"


class CopyWriter:
    """The registry ``_Writer`` for PostgreSQL: ``write(rows)`` returns the rows inserted or changed."""

    def __init__(self, conn: Connection, table: str, columns: list[str], key: str) -> None:
        self.conn = conn
        names = ", ".join(columns)
        data = [c for c in columns if c != key]
        # ON COMMIT DELETE ROWS: every batch is committed on its own and starts from an empty staging table.
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        self.copy_sql = f"COPY {STAGING} ({names}) FROM STDIN"
        changed = ", ".join(f"{table}.{c}" for c in data)
        incoming = ", ".join(f"EXCLUDED.{c}" for c in data)
        self.merge_sql = (
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {STAGING} "
            f"ON CONFLICT ({key}) DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in data)} "
            f"WHERE ({changed}) IS DISTINCT FROM ({incoming})"
        )

    def write(self, rows: list[tuple]) -> int:
        dbapi = self.conn.connection.dbapi_connection
        with dbapi.cursor() as cur, cur.copy(self.copy_sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
        result = self.conn.exec_driver_sql(self.merge_sql)
        return result.rowcount if result.rowcount is not None else -1

    def close(self) -> None:
        self.conn.exec_driver_sql(f"DROP TABLE IF EXISTS {STAGING}")
