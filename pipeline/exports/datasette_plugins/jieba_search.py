"""Datasette plugin: ``jieba_query(text)`` turns a Chinese query into the FTS5 expression the index understands."""

from datasette import hookimpl

from pipeline.exports.browse import fts_query


@hookimpl
def prepare_connection(conn):
    conn.create_function("jieba_query", 1, fts_query, deterministic=True)
