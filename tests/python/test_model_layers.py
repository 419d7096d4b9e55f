"""The dbt layers run one way: sources feed staging, staging feeds intermediate, intermediate
feeds marts. A mart feeding an intermediate model, or a `source()` called outside staging, makes
the graph lie about what a model depends on and lets a change to a published table ripple back
into the logic that builds it."""

from __future__ import annotations

import json
from functools import cache

from orchestration.project import parse_project

LAYERS = ("staging", "intermediate", "marts")


@cache
def _models() -> dict[str, dict]:
    manifest = json.loads(parse_project().read_text())
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
    }


def _layer(node: dict) -> str:
    return node["original_file_path"].split("/")[1]


def test_every_model_sits_in_a_layer() -> None:
    misplaced = [node["name"] for node in _models().values() if _layer(node) not in LAYERS]
    assert not misplaced, f"models outside models/staging|intermediate|marts: {misplaced}"


def test_marts_never_feed_staging_or_intermediate() -> None:
    models = _models()
    backwards = sorted(
        f"{models[parent]['name']} -> {node['name']}"
        for node in models.values()
        for parent in node["depends_on"]["nodes"]
        if parent in models and LAYERS.index(_layer(models[parent])) > LAYERS.index(_layer(node))
    )
    assert not backwards, f"refs that run against the layers: {backwards}"


def test_only_staging_reads_sources() -> None:
    readers = sorted(
        node["name"]
        for node in _models().values()
        if _layer(node) != "staging"
        and any(parent.startswith("source.") for parent in node["depends_on"]["nodes"])
    )
    assert not readers, f"models past staging that call source(): {readers}"
