"""policy-miner: text mining of Chinese government innovation-policy documents.

The library is plain Python (no Prefect): each stage is a module with small
functions over the dataclasses in :mod:`pipeline.models`::

    source → fetch → raw store → parse → segment → classify → extract → export
"""

__version__ = "0.1.0"
