"""corpora/sources.toml → validated :class:`SourceConfig` objects.

Why so strict: a typo in a portal's config would otherwise surface as an
empty crawl hours later.  Every key is checked against the dataclass it
fills, and every error names the file, line and field.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from pydantic import TypeAdapter, ValidationError

from pipeline.config import SOURCES_FILE
from pipeline.fetch import Politeness
from pipeline.sources import gkmlpt, govcn, hlj, listing
from pipeline.sources.base import DEFAULT_ATTACHMENT_PATTERN, SourceKind

log = logging.getLogger(__name__)

KINDS: dict[str, tuple[SourceKind, Mapping[str, Any]]] = {
    "govcn": (govcn.KIND, {}),
    "gkmlpt": (gkmlpt.KIND, {}),
    "hlj": (hlj.KIND, {}),
    "listing": (listing.KIND, {}),
    **{name: (listing.KIND, preset) for name, preset in listing.PRESETS.items()},
}
"""kind name in sources.toml → (implementation, preset option defaults).  ``trs``/``jpaas``/``jcms`` are
the generic listing kind with defaults for those CMSs."""

_PLACEHOLDER = re.compile(r"\{([A-Za-z_]\w*)\}")
_POLITENESS_KEYS = {f.name for f in fields(Politeness)}


class SourceConfigError(ValueError):
    """sources.toml is malformed; the message names file, line and field."""


@dataclass(frozen=True)
class SourceConfig:
    name: str  # unique; part of every doc id, so never rename a crawled source
    kind: str
    base_url: str  # document ids are URLs relative to this
    canonical_base: str = ""  # where documents under base_url are cited (base_url is a mirror): see cited_url
    group: str = ""  # "sample", "national", "provincial", "municipal" …; load_sources(names=…) accepts groups
    region: str = ""  # fills DocumentMeta.region, e.g. 广东省
    description: str = ""
    enabled: bool = True  # False: only crawled when named explicitly (e.g. ids still to be checked on the live site)
    challenge: str = ""  # the host answers crawlers with an anti-bot challenge (瑞数, 加速乐): skipped unless named
    keywords: tuple[str, ...] = ()  # keyword-scoped crawl: API query, or title filter for listing kinds
    body_selector: str = ""  # CSS selector every real landing page has; scopes attachment links
    attachment_pattern: str = DEFAULT_ATTACHMENT_PATTERN
    politeness: Politeness = Politeness()
    options: Any = None  # the kind's Options dataclass
    line: int = 0  # where the source starts in sources.toml, for messages

    @property
    def implementation(self) -> SourceKind:
        return KINDS[self.kind][0]

    def url(self, relative: str) -> str:
        """An option URL resolved against base_url (absolute URLs pass through)."""
        return urljoin(self.base_url, relative)

    def cited_url(self, url: str) -> str:
        """The URL a document or attachment fetched from ``url`` is stored and cited by: ``url`` itself, or, when
        the source is crawled through a mirror (the sample site on a random local port, dead after the run),
        ``url`` under ``canonical_base`` instead of ``base_url``.  Ids still come from :meth:`doc_key`."""
        if self.canonical_base and url.startswith(self.base_url):
            return self.canonical_base + url[len(self.base_url):]
        return url

    def doc_key(self, url: str) -> str:
        """``name:url`` with the URL made relative to base_url (or, on the same host, to its root:
        "/art/…"), so that ids do not change with the mirror's port."""
        origin = _origin(self.base_url)
        if url.startswith(self.base_url):
            url = url[len(self.base_url):]
        elif url.startswith(origin + "/"):
            url = url[len(origin):]
        return f"{self.name}:{url}"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def load_sources(
    path: Path = SOURCES_FILE,
    *,
    names: Sequence[str] | None = None,
    keywords: Sequence[str] = (),
    overrides: dict | None = None,
) -> list[SourceConfig]:
    """Read the registry; select sources by name or group; scope them to keywords.

    ``overrides`` fills ``{placeholder}`` s in URLs, e.g. ``{"mirror": base_url}``
    for the sample group.  With ``names=None``, sources whose placeholders are
    not supplied are left out; naming one explicitly without its override is an error.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SourceConfigError(f"{path}: {error}") from error
    locator = _Locator(path, text)
    defaults = document.get("defaults", {})
    unknown = set(defaults) - _POLITENESS_KEYS - {"contact"}
    if unknown:
        raise locator.error(None, sorted(unknown)[0], f"unknown key in [defaults]; known: {sorted(_POLITENESS_KEYS)}")
    tables = document.get("sources", [])
    if not isinstance(tables, list):
        raise SourceConfigError(f"{path}: 'sources' must be an array of tables ([[sources]])")
    sources = [_source(table, index, defaults, locator) for index, table in enumerate(tables)]
    seen: dict[str, int] = {}
    for source in sources:
        if source.name in seen:
            raise SourceConfigError(f"{path}:{source.line}: duplicate source name {source.name!r}")
        seen[source.name] = source.line
    return _select(sources, names, tuple(keywords), overrides or {}, path)


def _select(sources: list[SourceConfig], names: Sequence[str] | None, keywords: tuple[str, ...],
            overrides: Mapping[str, str], path: Path) -> list[SourceConfig]:
    if names is not None:
        known = {s.name for s in sources} | {s.group for s in sources if s.group}
        missing = [n for n in names if n not in known]
        if missing:
            raise SourceConfigError(f"{path}: no source or group named {missing}; known: {sorted(known)}")
        sources = [s for s in sources if s.name in names or (s.group in names and s.enabled and not _skip(s))]
    else:
        sources = [s for s in sources if s.enabled and not _skip(s)]
    selected = []
    for source in sources:
        source = _substitute(source, overrides)
        unresolved = _PLACEHOLDER.findall(source.base_url)
        if unresolved:
            if names is None:
                continue
            raise SourceConfigError(
                f"{path}:{source.line}: source {source.name!r}: base_url needs overrides for {unresolved}"
            )
        selected.append(replace(source, keywords=keywords or source.keywords))
    return selected


def _skip(source: SourceConfig) -> bool:
    """A challenged host is left out of group and default runs, with one status line saying why."""
    if not source.challenge:
        return False
    log.warning("skipped %s: %s answers crawlers with a %s challenge (see docs/sources.md); "
                "name it with -s %s to try anyway", source.name, urlsplit(source.base_url).hostname or source.base_url,
                source.challenge, source.name)
    return True


def _substitute(source: SourceConfig, overrides: Mapping[str, str]) -> SourceConfig:
    def fill(value: Any) -> Any:
        if isinstance(value, str):
            for key, replacement in overrides.items():
                value = value.replace("{" + key + "}", str(replacement).rstrip("/"))
            return value
        return value

    options = source.options
    if options is not None:
        options = replace(options, **{f.name: fill(getattr(options, f.name)) for f in fields(options)})
    return replace(source, base_url=fill(source.base_url), options=options)


def _source(table: Any, index: int, defaults: Mapping[str, Any], locator: _Locator) -> SourceConfig:
    if not isinstance(table, dict):
        raise locator.error(index, "", "each [[sources]] entry must be a table")
    for required in ("name", "kind", "base_url"):
        if not isinstance(table.get(required), str) or not table[required]:
            raise locator.error(index, required, "required string is missing or empty")
    kind_name = table["kind"]
    if kind_name not in KINDS:
        raise locator.error(index, "kind", f"unknown kind {kind_name!r}; known: {sorted(KINDS)}")
    common = {f.name for f in fields(SourceConfig)} - {"politeness", "options", "line"}
    unknown = set(table) - common - _POLITENESS_KEYS - {"options"}
    if unknown:
        raise locator.error(index, sorted(unknown)[0], "unknown key")
    politeness = _validate(Politeness, {**{k: v for k, v in defaults.items() if k in _POLITENESS_KEYS},
                                        **{k: v for k, v in table.items() if k in _POLITENESS_KEYS}},
                           locator, index)
    kind, preset = KINDS[kind_name]
    option_table = table.get("options", {})
    if not isinstance(option_table, dict):
        raise locator.error(index, "options", "must be a table ([sources.options])")
    known_options = {f.name for f in fields(kind.Options)}  # type: ignore[attr-defined]
    unknown = set(option_table) - known_options
    if unknown:
        raise locator.error(index, sorted(unknown)[0], f"unknown option for kind {kind_name!r}; "
                                                         f"known: {sorted(known_options)}")
    options = _validate(kind.Options, {**preset, **option_table}, locator, index)  # type: ignore[attr-defined]
    base_url = table["base_url"]
    if not base_url.endswith("/"):
        base_url += "/"  # so relative option URLs resolve under it, not beside it
    canonical_base = table.get("canonical_base", "")
    if isinstance(canonical_base, str) and canonical_base and not canonical_base.endswith("/"):
        canonical_base += "/"  # it stands in for base_url, which ends in "/"
    config = _validate(
        SourceConfig,
        {**{k: v for k, v in table.items() if k in common}, "base_url": base_url, "canonical_base": canonical_base,
         "politeness": politeness, "options": options, "line": locator.source_line(index)},
        locator, index,
    )
    try:
        re.compile(config.attachment_pattern)
    except re.error as error:
        raise locator.error(index, "attachment_pattern", f"not a regular expression: {error}") from error
    return config


def _validate(cls: type, values: Mapping[str, Any], locator: _Locator, index: int) -> Any:
    try:
        return TypeAdapter(cls).validate_python(dict(values))
    except ValidationError as error:
        first = error.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else ""
        raise locator.error(index, key, first["msg"]) from None


class _Locator:
    """Finds the line of a key inside the n-th [[sources]] table, for error messages."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()
        self.starts = [i for i, line in enumerate(self.lines) if re.match(r"\s*\[\[\s*sources\s*\]\]", line)]

    def source_line(self, index: int) -> int:
        return self.starts[index] + 1 if index < len(self.starts) else 0

    def key_line(self, index: int | None, key: str) -> int:
        if index is None:
            start, end = 0, self.starts[0] if self.starts else len(self.lines)
        else:
            start = self.starts[index] if index < len(self.starts) else 0
            end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.lines)
        for number in range(start, end):
            if key and re.match(rf"\s*{re.escape(key)}\s*=", self.lines[number]):
                return number + 1
        return start + 1

    def error(self, index: int | None, key: str, problem: str) -> SourceConfigError:
        where = f"{self.path}:{self.key_line(index, key)}"
        what = f"[[sources]] #{index + 1}" if index is not None else "[defaults]"
        return SourceConfigError(f"{where}: {what}: field {key!r}: {problem}")
