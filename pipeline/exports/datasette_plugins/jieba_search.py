"""Datasette plugin: ``jieba_query(q)`` turns a Chinese query into the FTS5 expression the index understands;
``jieba_context(text, q)`` shows where a result mentions it."""

from datasette import hookimpl

from pipeline.exports.browse import fts_query, query_context


@hookimpl
def prepare_connection(conn):
    conn.create_function("jieba_query", 1, fts_query, deterministic=True)
    conn.create_function("jieba_context", 2, query_context, deterministic=True)
