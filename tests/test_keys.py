"""Keys are built by schema/keys.py and taken apart only by its parser: one the inverse of the other."""

from __future__ import annotations

import pytest

from schema import keys
from schema.vocabulary import Label


@pytest.mark.parametrize(
    ("key", "kind", "parts", "label"),
    [
        (
            keys.hf_model("deepseek-ai/DeepSeek-R1"),
            "hf:model",
            ("deepseek-ai", "DeepSeek-R1"),
            Label.MODEL,
        ),
        (
            keys.hf_dataset("openbmb/UltraFeedback"),
            "hf:dataset",
            ("openbmb", "UltraFeedback"),
            Label.DATASET,
        ),
        (keys.hf_org("deepseek-ai"), "hf:org", ("deepseek-ai",), Label.ORGANIZATION),
        (keys.arxiv("2412.19437v2"), "arxiv", ("2412.19437",), Label.PAPER),
        (keys.arxiv("hep-th/9901001"), "arxiv", ("hep-th/9901001",), Label.PAPER),
        (keys.doi("10.1093/mind/lix.236.433"), "doi", ("10.1093/mind/lix.236.433",), Label.PAPER),
        (keys.s2("a" * 40), "s2", ("a" * 40,), Label.PAPER),
        (keys.github("PyTorch/PyTorch"), "github", ("pytorch", "pytorch"), Label.REPOSITORY),
        (keys.pypi("Open_CLIP.torch"), "pypi", ("open-clip-torch",), Label.PACKAGE),
        (keys.license_("Apache 2.0"), "license", ("apache-2.0",), Label.LICENSE),
        (keys.hf_author("deepseek-ai"), "hf-author", ("deepseek-ai",), None),
    ],
)
def test_parse_is_the_inverse_of_the_builders(
    key: str, kind: str, parts: tuple[str, ...], label: Label | None
) -> None:
    parsed = keys.parse(key)
    assert (parsed.kind, parsed.parts, parsed.label) == (kind, parts, label)
    assert f"{parsed.kind}:{parsed.id}" == key
    assert parsed.name == "/".join(parts)
    assert keys.is_node_key(key) is (label is not None)


def test_an_unknown_prefix_is_refused() -> None:
    with pytest.raises(keys.KeyError_):
        keys.parse("npm:left-pad")
