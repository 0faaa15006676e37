"""Output formats beyond the CSV/Parquet tables of :mod:`pipeline.export`.

provenance (where evidence sits: attachment, PDF page), text (keyword in
context, the corpus file), outdir (the output folder that switches from one
complete export to the next), xlsx (the workbook), report (the offline HTML
report) and browse (the SQLite/FTS5 database Datasette serves).
"""
