"""Sentences and tokens: jieba (its Rust port, jieba-rs) with the domain lexicon, inside a spaCy ``zh`` pipeline.

Why both: jieba decides token boundaries (and must know 链长制, 揭榜挂帅,
province and industry names, or it splits them), spaCy gives the pipeline
structure researchers know — a sentencizer for Chinese end punctuation and an
``entity_ruler`` with REGION / ROLE / INDUSTRY / MODE_TERM patterns that the
extractors reuse.  Table rows become sentences too (cells joined by "｜") so
that evidence can point at a row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import cache, lru_cache

import rjieba
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.lexicon import Lexicon, load_lexicon
from pipeline.models import DocumentMeta, ParsedDocument, ParsedPart, SegmentedDocument, Sentence, Table
from pipeline.parse.text import is_traditional, to_simplified
from pipeline.regions import region_words
from pipeline.vocabulary import MODE_TERMS, ROLE_TERMS, segmenter_words

SENTENCE_END = ("。", "！", "？", "!", "?")
CLOSERS = frozenset("”’」』》）)】〕")
CELL_SEPARATOR = "｜"
MAX_SENTENCE_CHARS = 400
"""Longer runs without end punctuation (laws' long enumerations, OCR noise) are cut here,
preferably at a '；', so that evidence stays readable and spaCy docs stay small."""


LEXICON_FREQUENCY = 2000
"""Dictionary frequency of every lexicon word: high enough that 链长制, 揭榜挂帅 or 宁波市 are never cut."""


def lexicon_words() -> tuple[str, ...]:
    """Every word the segmenter must keep whole, in a fixed order: domain terms, industry names, region names
    and the shared cue vocabulary (pipeline.vocabulary), so a cue term added there is one token everywhere."""
    lexicon = load_lexicon()
    words = (*lexicon.words, *lexicon.industries, *(name for name, _ in region_words()), *segmenter_words())
    return tuple(dict.fromkeys(w for w in words if len(w) > 1))


@cache
def _segmenter() -> rjieba.Jieba:
    """jieba-rs with jieba's dictionary and every lexicon word, built once per process (a worker loads it once).

    Why jieba-rs rather than jieba: the same dictionary and algorithm at about 7× the speed, and no dictionary
    cache file (Python jieba writes one to the world-writable /tmp); bench/bench_segment.py compares the two."""
    segmenter = rjieba.Jieba()
    for word in lexicon_words():
        segmenter.add_word(word, LEXICON_FREQUENCY, None)
    return segmenter


def cut(text: str) -> list[str]:
    """Every token of ``text``, whitespace included (sentence rules and offsets need all of them)."""
    return _segmenter().cut(text)


def tokenize(text: str) -> list[str]:
    """Tokens of ``text`` with the domain lexicon (whitespace tokens dropped)."""
    return [t for t in cut(text) if t.strip()]


def tag(text: str) -> list[tuple[str, str]]:
    """(token, part of speech) pairs of ``text``, cut as :func:`cut` cuts it (jieba's tags: n, v, a, vn, nr …;
    '' for a lexicon word, which carries none)."""
    return _segmenter().tag(text)


@lru_cache(maxsize=1 << 16)
def word_tag(word: str) -> str:
    """The part of speech of one token as the segmenter tags it ('' for a lexicon word or a string it cuts into
    several): the one source of tags for the features that judge what a candidate's words are."""
    tags = tag(word)
    return tags[0][1] if len(tags) == 1 else ""


class _Tokenizer:
    """spaCy tokenizer over :func:`cut`, so that rule patterns are cut exactly as the stored sentences are."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words = cut(text) or [""]
        return Doc(self.vocab, words=words, spaces=[False] * len(words))


@cache
def nlp() -> Language:
    """The shared spaCy pipeline: blank zh on the segmenter, Chinese sentencizer, lexicon entity_ruler."""
    pipeline = spacy.blank("zh")
    pipeline.tokenizer = _Tokenizer(pipeline.vocab)
    pipeline.add_pipe("zh_sentencizer")
    ruler = pipeline.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns(_entity_patterns(load_lexicon()))
    return pipeline


def sentence_starts(words: list[str]) -> list[bool]:
    """Which tokens start a sentence: the one after 。！？ and any closing quotes/brackets that follow them.

    spaCy's generic sentencizer keeps any punctuation after the period in the
    old sentence, which strands an opening “ there and robs the next sentence
    (often a slogan such as “九个一”机制) of its quote.
    """
    starts, pending = [], False
    for index, word in enumerate(words):
        start = index == 0 or (pending and word not in CLOSERS and word[-1] not in SENTENCE_END)
        starts.append(start)
        pending = (pending and not start) or word[-1] in SENTENCE_END
    return starts


@Language.component("zh_sentencizer")
def zh_sentencizer(doc: Doc) -> Doc:
    """The pipeline's sentence splitter (see :func:`sentence_starts`)."""
    for token, start in zip(doc, sentence_starts([t.text for t in doc]), strict=True):
        token.is_sent_start = start
    return doc


def _entity_patterns(lexicon: Lexicon) -> list[dict]:
    patterns = [{"label": "REGION", "pattern": name, "id": full_name} for name, full_name in region_words()]
    patterns += [{"label": "INDUSTRY", "pattern": name} for name in lexicon.industries]
    patterns += [{"label": "ROLE", "pattern": term} for term in ROLE_TERMS]
    patterns += [{"label": "MODE_TERM", "pattern": term} for term in MODE_TERMS]
    return patterns


def spacy_doc(sentence: Sentence) -> Doc:
    """Run the pipeline's rule components on a stored sentence without re-segmenting it."""
    pipeline = nlp()
    doc = Doc(pipeline.vocab, words=list(sentence.tokens) or [""], spaces=[False] * max(len(sentence.tokens), 1))
    for _, component in pipeline.pipeline:
        doc = component(doc)
    return doc


def split_long(text: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Cut an over-long sentence at '；' (else hard) so no piece exceeds ``limit`` characters."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("；", 0, limit)
        cut = cut + 1 if cut > limit // 4 else limit
        pieces.append(text[:cut])
        text = text[cut:]
    return [*pieces, text] if text else pieces


def pieces(text: str) -> Iterator[str]:
    """What the segmenter cuts at a time: each line of ``text``, over-long lines cut by :func:`split_long`."""
    for line in text.splitlines():
        yield from split_long(line.strip())


def split_sentences(text: str) -> list[str]:
    """Sentences of a text: one paragraph per line, spaCy's sentencizer inside a paragraph."""
    return [s for _, _, s in _paragraph_sentences([text])]


def _paragraph_sentences(paragraphs: list[str]) -> Iterator[tuple[int, list[str], str]]:
    """(paragraph index, sentence tokens, sentence text) over non-empty paragraphs.

    Uses the segmenter and :func:`sentence_starts` directly — the same segmenter and
    sentence rule as :func:`nlp` — because building a spaCy Doc per line
    costs as much as segmenting it; :func:`spacy_doc` makes one on demand.
    """
    for index, text in enumerate(paragraphs):
        for piece in pieces(text):
            words = cut(piece)
            starts = [i for i, start in enumerate(sentence_starts(words)) if start]
            for begin, end in zip(starts, [*starts[1:], len(words)]):
                sentence = "".join(words[begin:end]).strip()
                if sentence:
                    yield index, words[begin:end], sentence


def segment_text(doc_id: str, text: str, meta: DocumentMeta = DocumentMeta(),
                 tables: tuple[Table, ...] = ()) -> SegmentedDocument:
    """Segment plain text (and optional tables) as a one-part document, as it is: hard wraps are not mended here
    (they are where parsing ends; :func:`pipeline.parse.text_document` hands text on mended)."""
    part = ParsedPart(role="file", url="", media_type="text/plain", text=text, tables=tables)
    return segment(ParsedDocument(doc_id=doc_id, meta=meta, parts=(part,)))


def in_simplified(parsed: ParsedDocument) -> ParsedDocument:
    """The document as segmentation reads it: a document written in traditional characters converted to
    simplified (texts, table cells, title and issuer), character for character, so that offsets into the
    simplified text are offsets into the original that ``parsed`` (and the stored result's parts) keep.

    Why before segmentation: the lexicon, the cue vocabulary and the models are in simplified characters; a
    traditional copy of a report would otherwise match none of them (issue 9)."""
    cells = (cell for part in parsed.parts for table in part.tables for row in table.rows for cell in row)
    if not is_traditional("\n".join((parsed.meta.title, *(p.text for p in parsed.parts), *cells))):
        return parsed
    parts = tuple(replace(part, text=to_simplified(part.text), tables=tuple(
        replace(table, rows=tuple(tuple(to_simplified(cell) for cell in row) for row in table.rows))
        for table in part.tables)) for part in parsed.parts)
    meta = replace(parsed.meta, title=to_simplified(parsed.meta.title), issuer=to_simplified(parsed.meta.issuer))
    return replace(parsed, meta=meta, parts=parts)


def segment(parsed: ParsedDocument) -> SegmentedDocument:
    """Sentences of every part (paragraph text first, then table rows), numbered in order, in simplified
    characters (see :func:`in_simplified`)."""
    parsed = in_simplified(parsed)
    sentences: list[Sentence] = []
    for part_index, part in enumerate(parsed.parts):
        paragraphs = part.text.split("\n")
        for paragraph, words, text in _paragraph_sentences(paragraphs):
            tokens = tuple(w for w in words if w.strip())
            sentences.append(Sentence(len(sentences), text, tokens, part_index, f"p{paragraph + 1}"))
        for table in part.tables:
            for row_index, row in enumerate(table.rows):
                text = CELL_SEPARATOR.join(cell.strip() for cell in row)
                if text.strip(CELL_SEPARATOR):
                    sentences.append(Sentence(len(sentences), text, tuple(tokenize(text)), part_index,
                                              f"t{table.index + 1}r{row_index + 1}"))
    return SegmentedDocument(parsed.doc_id, parsed.meta, tuple(sentences), parsed.tables)
