"""The real-excerpt evaluator (pipeline.extract.real_eval) on TRAIN-split excerpts only.

The test split is frozen for measurement; nothing here reads it.  The excerpts go
through the real pipeline; the scoring is checked with predictions built from the
gold annotation itself (a perfect system, then one that puts the row in the wrong region).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.annotations import ExcerptAnnotation, load_annotations, read_split
from pipeline.models import (ChainLeaderScheme, Classification, DocumentMeta, Extraction, ModeResult,
                             ProcessedDocument)
from pipeline.annotations import raw_document
from pipeline.extract.real_eval import MODES, evaluate, report, run_pipeline, same_region, score

FILES = ("guangzhou_21chanye.txt", "ha_zhongdianlian2023.txt", "guangzhou_zhuantihui2021_trad.txt")
ROLE_LABEL = {"chief_chain_head": "总链长", "chain_head": "链长", "lead_firm": "链主", "lead_unit": "牵头单位",
              "chain_office": "链长办"}


@pytest.fixture(scope="module")
def annotations(shared_dir) -> list[ExcerptAnnotation]:
    chosen = [a for a in load_annotations(split="train") if a.file in FILES]
    assert sorted(a.file for a in chosen) == sorted(FILES)
    assert all(a.split == "train" and "chain_leader" in a.modes and a.chains for a in chosen)
    return chosen


def perfect(item: ExcerptAnnotation, region: str | None = None) -> ProcessedDocument:
    """What a system that reproduced the annotation exactly would store (as written, traditional or not)."""
    roles = {}
    for role in item.roles:  # one holder per role label, as ChainLeaderScheme.roles holds them
        roles.setdefault(ROLE_LABEL[role.role], item.span_text(role.holder))
    scheme = ChainLeaderScheme(region=region or item.region,
                               concept=item.span_text(item.concept) if item.concept else "",
                               model=tuple(item.span_text(s) for s in item.components),
                               key_chains=tuple(item.span_text(s) for s in item.chains), roles=roles)
    classification = Classification(item.file, tuple(ModeResult(m, 1.0 if m in item.modes else 0.0, m in item.modes)
                                                      for m in MODES))
    return ProcessedDocument(doc_id=item.file, meta=DocumentMeta(region=region or item.region),
                             classification=classification,
                             extraction=Extraction(item.file, region=region or item.region, schemes=(scheme,)))


def test_a_perfect_prediction_scores_one(annotations):
    result = score(annotations, {a.file: perfect(a) for a in annotations})
    assert result.table.fn == result.table.fp == 0 and result.table.tp > 0
    assert result.table.f1 == 1.0
    assert result.region_accuracy == 1.0 and result.mode_macro_f1 == 1.0
    assert result.roles.fp == 0 and result.roles.tp > 0
    assert not [d for d in result.differences if "role missing" not in d]  # roles: one holder per label only


def test_a_row_in_the_wrong_region_gets_all_its_cells_wrong(annotations):
    wrong, right = annotations[0], annotations[1:]
    results = {a.file: perfect(a) for a in right} | {wrong.file: perfect(wrong, region="西藏自治区")}
    result = score(annotations, results)
    alone = score([wrong], {wrong.file: perfect(wrong, region="西藏自治区")})
    assert alone.table.tp == 0 and alone.table.f1 == 0.0
    assert alone.table.fp == alone.table.fn > 0  # the same cells, once under each region
    assert alone.table_region_forgiven.f1 == 1.0 and alone.without_scheme == 0  # what the region error alone cost
    assert result.table.tp == score(right, {a.file: perfect(a) for a in right}).table.tp
    assert result.region_accuracy == pytest.approx(2 / 3)


def test_missing_output_is_all_false_negatives(annotations):
    item = annotations[0]
    silent = replace(perfect(item), extraction=Extraction(item.file, region=item.region),
                     classification=Classification(item.file, tuple(ModeResult(m, 0.0, False) for m in MODES)))
    result = score([item], {item.file: silent})
    assert result.table.tp == result.table.fp == 0 and result.table.fn > 0
    assert result.without_scheme == result.rows_with_cells == 1 and result.table_region_forgiven.tp == 0
    assert result.modes["chain_leader"].fn == 1 and result.mode_macro_f1 < 1.0


def test_region_names_are_compared_through_the_region_resolver():
    assert same_region("浙江省/宁波市", "宁波市")
    assert same_region("浙江省/宁波市", "宁波")
    assert not same_region("浙江省/宁波市", "浙江省")
    assert same_region("浙江省", "浙江")
    assert same_region("全国", "全国")
    assert not same_region("全国", "北京市")
    assert not same_region("浙江省", "")


def test_the_real_pipeline_runs_on_train_excerpts(annotations):
    raw = raw_document(annotations[0].file)
    assert raw.url.startswith("http") and raw.parts[0].sha256.endswith(annotations[0].file)
    results = run_pipeline(annotations)
    assert set(results) == set(FILES)
    assert all(r is not None and r.classification is not None and r.extraction is not None for r in results.values())
    evaluation = score(annotations, results)
    assert evaluation.documents == 3
    gold_cells = sum(bool(a.concept) + len({a.span_text(s) for s in a.components}) for a in annotations)
    assert evaluation.table.tp + evaluation.table.fn >= gold_cells
    assert sum(c.tp + c.fn for c in evaluation.modes.values()) == sum(len(a.modes) for a in annotations)
    printed = report(evaluation, "train")
    assert "table cells" in printed and "modes macro-F1" in printed and "region accuracy" in printed


def test_the_command_scores_the_train_split_only_when_asked(shared_dir):
    evaluation = evaluate("train")
    assert evaluation.documents == sum(1 for _, split in read_split().values() if split == "train")
    test_files = {file for file, (_, split) in read_split().items() if split == "test"}
    assert not [d for d in evaluation.differences if any(d.startswith(f) for f in test_files)]
