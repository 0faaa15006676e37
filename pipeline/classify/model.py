"""The mode classifier: lexicon rules + a calibrated linear model per mode, stored as plain arrays.

For each mode a document is reduced to its *cue sentences* (sentences holding
one of the mode's terms or look-alikes, see ``rules.py``).  Their jieba tokens
(uni+bigrams) and character 2–3-grams are hashed and TF-IDF weighted, a few
rule counts are appended, and a logistic regression gives a score that Platt
scaling (fitted on out-of-fold scores) turns into a probability.  A document
gets the label when the probability reaches the mode's threshold (chosen on
the dev split) *and* at least one sentence qualifies under the rules *and* the
mention is not a passing one (``rules.prominence``: a report that names the
mechanism in a clause without describing it) — so the model can veto a
trigger that merely passes by, but can never invent a label without a
sentence to show for it.  Documents with no cue sentence score 0.

Why hashing + arrays: the artifact is an ``.npz`` of float arrays (idf, coef)
and a JSON file (settings, intercepts, calibration, thresholds), loaded with
``allow_pickle=False``; nothing executable is ever deserialised.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

from pipeline.classify.rules import (
    CLAUSE, DESCRIBED_SENTENCES, DESCRIBED_SHARE, MENTION, NEVER, REPORTING_GENRE, RETROSPECTIVE, RULES, ModeRules,
    Prominence, SentenceHit, prominence, sentence_hit,
)
from pipeline.config import MODELS_DIR
from pipeline.models import MODES, Classification, Evidence, ModeResult, SegmentedDocument, Sentence

FORMAT_VERSION = 1
"""Bump when the artifact layout or the feature definition changes; old artifacts are then refused."""
ARRAYS_FILE = "mode_classifier.npz"
META_FILE = "mode_classifier.json"
N_FEATURES = 2**16
CHAR_NGRAMS = (2, 3)
MAX_EVIDENCE = 3
RULE_FEATURES = ("qualifying", "strong", "contextual", "blocked", "vetoed", "passive", "share_qualifying",
                 "any_qualifying", "title_strong", "best_score", "passing_mention")


class ModelVersionError(RuntimeError):
    """The model in models/ is missing or was built for different code (format or features)."""


def feature_fingerprint() -> str:
    """Hash of everything that defines a feature column: if the rules or settings change, the old coefficients
    no longer mean the same thing and the artifact must be retrained."""
    spec = {"format": FORMAT_VERSION, "n_features": N_FEATURES, "char_ngrams": CHAR_NGRAMS, "rule_features": RULE_FEATURES,
            "rules": {m: [r.strong, r.contextual, r.weak, r.action.pattern, r.blockers.pattern, r.vetoes.pattern,
                          r.passive.pattern, r.scope.pattern, r.detail.pattern, r.mobilisation.pattern,
                          r.other_sense.pattern]
                      for m, r in RULES.items()},
            "document": [HEADLINE_CHARS, MENTION.pattern, CLAUSE.pattern, REPORTING_GENRE.pattern, RETROSPECTIVE.pattern,
                         DESCRIBED_SENTENCES, DESCRIBED_SHARE]}
    return hashlib.sha256(json.dumps(spec, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def _token_ngrams(tokens: Sequence[str]) -> list[str]:
    """Word unigrams and bigrams; the input is already tokenised by pipeline.segment (jieba + lexicon)."""
    words = [t for t in tokens if t.strip()]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


WORD_HASHER = HashingVectorizer(analyzer=_token_ngrams, n_features=N_FEATURES, alternate_sign=False, norm=None)
CHAR_HASHER = HashingVectorizer(analyzer="char", ngram_range=CHAR_NGRAMS, n_features=N_FEATURES, alternate_sign=False,
                                norm=None)


@dataclass(frozen=True)
class CueView:
    """One document as one mode sees it: its cue sentences and what the rules found in each."""

    doc: SegmentedDocument
    sentences: tuple[Sentence, ...]
    hits: tuple[SentenceHit, ...]
    prominence: Prominence
    other_sense: bool = False  # the document uses the mode's terms in another sense (``_other_sense``)

    @property
    def gate(self) -> bool:
        """The rules allow the label: a qualifying sentence, in a document that does more than name the mechanism
        and uses its terms in the mechanism's sense."""
        return any(h.qualifies for h in self.hits) and not self.prominence.passing and not self.other_sense

    @property
    def tokens(self) -> list[str]:
        return [t for s in self.sentences for t in (*s.tokens, "¶")]  # ¶ stops bigrams across sentences

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.sentences)

    def rule_features(self, rules: ModeRules) -> list[float]:
        hits = self.hits
        qualifying = [h for h in hits if h.qualifies]
        title = document_title(self.doc)
        return [math.log1p(len(qualifying)), math.log1p(sum(h.strong for h in hits)),
                math.log1p(sum(h.contextual for h in qualifying)), math.log1p(sum(h.blocked for h in hits)),
                math.log1p(sum(h.vetoed for h in hits)), math.log1p(sum(h.passive and h.contextual > 0 for h in hits)),
                len(qualifying) / len(hits), float(bool(qualifying)), float(bool(rules.strong_terms.search(title))),
                min(max((h.score for h in hits), default=0.0), 8.0) / 4.0, float(self.prominence.passing)]


def cue_view(doc: SegmentedDocument, mode: str) -> CueView:
    rules = RULES[mode]
    title = document_title(doc)
    heading = f"{title} {doc.meta.issuer}"
    borrowed = {i for name in MODES if name != mode for i in _other_sense(doc, RULES[name])}
    picked = [(s, sentence_hit(s.text, rules, heading)) for s in doc.sentences if rules.cue.search(s.text)]
    picked = [(s, replace(h, vetoed=True) if s.index in borrowed else h) for s, h in picked]
    qualifying = [s.index for s, h in picked if h.qualifies]
    return CueView(doc, tuple(s for s, _ in picked), tuple(h for _, h in picked),
                   prominence([s.text for s in doc.sentences], qualifying, rules, title),
                   bool(_other_sense(doc, rules)))


def _other_sense(doc: SegmentedDocument, rules: ModeRules) -> tuple[int, ...]:
    """The sentences naming the mode's mechanism, when one of them shows the document uses its terms in another
    sense (``ModeRules.other_sense``: 揭榜 for cadres); else none.  Such a document gets no label for the mode, and
    these sentences are void for the other modes too: “揭榜攻坚依托于新型举国体制” invokes the national frame for an
    assignment of cadres, not for organising research."""
    if rules.other_sense is NEVER:
        return ()
    naming = [s for s in doc.sentences if _names(rules, s.text)]
    return tuple(s.index for s in naming) if any(rules.other_sense.search(s.text) for s in naming) else ()


def _names(rules: ModeRules, text: str) -> bool:
    cleaned = rules.blockers.sub("", text)
    return bool(rules.strong_terms.search(cleaned) or rules.contextual_terms.search(cleaned))


HEADLINE_CHARS = 40
"""A first line this short and without end punctuation reads as a headline."""


def document_title(doc: SegmentedDocument) -> str:
    """The title the rules read: the metadata's, else a headline-like first line (news pages and reposts often
    carry their headline only as the first line of the text, where metadata parsing may not take it)."""
    if doc.meta.title or not doc.sentences:
        return doc.meta.title
    first = doc.sentences[0].text
    return first if len(first) <= HEADLINE_CHARS and not first.endswith(("。", "！", "？", "；", "，")) else ""


@dataclass(frozen=True)
class ModeModel:
    """Arrays and scalars for one mode."""

    word_idf: np.ndarray
    char_idf: np.ndarray
    coef: np.ndarray  # word block, char block, rule features
    intercept: float
    platt_a: float
    platt_b: float
    threshold: float

    def text_matrix(self, token_lists: Sequence[Sequence[str]], texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF (sublinear tf, l2 per block) of word and char features: the same transform at train and run time."""
        blocks = []
        for hasher, idf, data in ((WORD_HASHER, self.word_idf, token_lists), (CHAR_HASHER, self.char_idf, texts)):
            counts = hasher.transform(data)
            blocks.append(_idf_transformer(idf).transform(counts))
        return sp.hstack(blocks, format="csr")

    def decision(self, views: Sequence[CueView], mode: str) -> np.ndarray:
        return self.design(views, mode) @ self.coef + self.intercept

    def design(self, views: Sequence[CueView], mode: str) -> sp.csr_matrix:
        text = self.text_matrix([v.tokens for v in views], [v.text for v in views])
        rules = sp.csr_matrix(np.array([v.rule_features(RULES[mode]) for v in views], dtype=np.float64))
        return sp.hstack([text, rules], format="csr")

    def probability(self, decision: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.platt_a * decision + self.platt_b)))

    def sentence_scores(self, sentences: Sequence[Sentence]) -> np.ndarray:
        """Linear text score of single sentences (rule block left out): ranks the evidence within a document."""
        matrix = self.text_matrix([s.tokens for s in sentences], [s.text for s in sentences])
        return matrix @ self.coef[: matrix.shape[1]]


def _idf_transformer(idf: np.ndarray) -> TfidfTransformer:
    transformer = TfidfTransformer(sublinear_tf=True, norm="l2")
    transformer.idf_ = idf
    return transformer


@dataclass(frozen=True)
class ModeClassifier:
    """All three mode models plus the metadata that was stored with them."""

    modes: dict[str, ModeModel]
    meta: dict

    @cached_property
    def version(self) -> str:
        return self.meta["model_version"]

    def classify_many(self, docs: Sequence[SegmentedDocument]) -> list[Classification]:
        per_mode = {mode: self._mode_results(docs, mode) for mode in MODES}
        return [Classification(doc.doc_id, tuple(per_mode[mode][i] for mode in MODES), self.version)
                for i, doc in enumerate(docs)]

    def _mode_results(self, docs: Sequence[SegmentedDocument], mode: str) -> list[ModeResult]:
        model = self.modes[mode]
        views = [cue_view(doc, mode) for doc in docs]
        cued = [i for i, v in enumerate(views) if v.sentences]
        results = [ModeResult(mode, 0.0, False) for _ in docs]
        if not cued:
            return results
        probabilities = model.probability(model.decision([views[i] for i in cued], mode))
        for i, p in zip(cued, probabilities, strict=True):
            label = views[i].gate and p >= model.threshold
            evidence = _evidence(views[i], model) if label else ()
            results[i] = ModeResult(mode, round(float(p), 4), bool(label), evidence)
        return results


def _evidence(view: CueView, model: ModeModel) -> tuple[Evidence, ...]:
    """Qualifying sentences, best first: rule strength plus the model's score of the sentence alone."""
    qualifying = [(s, h) for s, h in zip(view.sentences, view.hits) if h.qualifies]
    scores = model.sentence_scores([s for s, _ in qualifying])
    ranked = sorted(zip(qualifying, scores), key=lambda item: (-(item[0][1].score + float(item[1])), item[0][0].index))
    return tuple(Evidence(view.doc.doc_id, s.text, s.index, s.locator) for (s, _), _ in ranked[:MAX_EVIDENCE])


# ---------------------------------------------------------------------------------------------------------- storage

def save_model(classifier: ModeClassifier, models_dir: Path) -> ModeClassifier:
    """Write the arrays (deterministic zip: fixed timestamps, sorted names), then the JSON metadata stamped with
    the arrays' digest, which becomes the model version; returns the classifier carrying that version."""
    models_dir.mkdir(parents=True, exist_ok=True)
    arrays = {f"{mode}.{name}": getattr(model, name).astype(np.float64)
              for mode, model in classifier.modes.items() for name in ("word_idf", "char_idf", "coef")}
    with zipfile.ZipFile(models_dir / ARRAYS_FILE, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, arrays[name], allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())
    digest = arrays_digest(models_dir)
    meta = {**classifier.meta, "arrays_sha256": digest, "model_version": f"{FORMAT_VERSION}.{digest}"}
    (models_dir / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                        encoding="utf-8")
    return ModeClassifier(classifier.modes, meta)


def scalars(model: ModeModel) -> dict[str, float]:
    return {"intercept": model.intercept, "platt_a": model.platt_a, "platt_b": model.platt_b, "threshold": model.threshold}


def arrays_digest(models_dir: Path) -> str:
    return hashlib.sha256((models_dir / ARRAYS_FILE).read_bytes()).hexdigest()[:12]


def load_model(models_dir: Path = MODELS_DIR) -> ModeClassifier:
    """Read and check the shipped model; refuse one built for other code with an explanation of what to do."""
    meta_path, arrays_path = models_dir / META_FILE, models_dir / ARRAYS_FILE
    if not meta_path.exists() or not arrays_path.exists():
        raise ModelVersionError(f"no mode classifier in {models_dir} (expected {META_FILE} and {ARRAYS_FILE}); "
                                "run `policy-miner train` to build it")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    found = (meta.get("format_version"), meta.get("feature_fingerprint"))
    expected = (FORMAT_VERSION, feature_fingerprint())
    if found != expected:
        raise ModelVersionError(
            f"mode classifier in {models_dir} has format {found[0]} / features {found[1]}, but this code expects "
            f"format {expected[0]} / features {expected[1]}; retrain with `policy-miner train`")
    if meta.get("arrays_sha256") != arrays_digest(models_dir):
        raise ModelVersionError(f"{arrays_path} does not match {META_FILE} (arrays changed after training); "
                                "retrain with `policy-miner train`")
    with np.load(arrays_path, allow_pickle=False) as arrays:
        modes = {mode: ModeModel(arrays[f"{mode}.word_idf"], arrays[f"{mode}.char_idf"], arrays[f"{mode}.coef"],
                                 **meta["modes"][mode]["scalars"]) for mode in MODES}
    return ModeClassifier(modes, meta)
