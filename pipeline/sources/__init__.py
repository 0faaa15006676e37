"""Where documents come from: the source registry (corpora/sources.toml) and one module per source kind.

Kinds: ``govcn`` (gov.cn policy-library search API), ``gkmlpt`` (Guangdong
information-disclosure catalogue), ``hlj`` (Heilongjiang-style JSON search)
and ``listing`` (generic paged link lists; ``trs``/``jpaas``/``jcms`` are
presets of it).  See docs/sources.md.
"""

from pipeline.sources.base import Link, ListedItem, NotADocument, SourceKind
from pipeline.sources.registry import KINDS, SOURCES_FILE, SourceConfig, SourceConfigError, load_sources

__all__ = [
    "KINDS", "SOURCES_FILE", "Link", "ListedItem", "NotADocument", "SourceConfig", "SourceConfigError", "SourceKind",
    "load_sources",
]
