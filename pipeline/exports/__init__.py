"""Output formats beyond the CSV/Parquet tables of :mod:`pipeline.export`.

provenance (where evidence sits: attachment, PDF page), text (keyword in
context, the corpus file), outdir (the output folder that switches from one
complete export to the next), xlsx (the workbook), report (the offline HTML
report) and browse (the SQLite/FTS5 database Datasette serves).

The format names live here, in a module that imports nothing, so that the
command line can refuse an unknown ``--format`` without loading pandas.
"""

FORMATS = ("csv", "parquet", "md", "xlsx", "html", "corpus")
ALWAYS = ("csv", "parquet")  # every export writes the tables as CSV and Parquet; other formats are added to them
