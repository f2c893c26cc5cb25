"""The licence table: every term cites its source, Llama clauses are verbatim, and the
licences real Hub cards declare normalise to what they are."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from huggingface_hub.hf_api import ModelInfo

from ingest.licence_nodes import licence_nodes
from ingest.records import Provenance
from ingest.sources.hf.mapper import extract_claims, map_model
from ingest.sources.hf.payloads import HfModel
from schema import licences
from schema.licences import LicenceClass, TermKind, TermValue
from schema.vocabulary import Label, Rel

ROOT = Path(__file__).resolve().parent.parent
CARDS = Path(__file__).resolve().parent / "licence_cards"
RECORDED = ROOT / "ingest" / "recordings" / "hf" / "models" / "meta-llama"

#: Licence id -> a card that embeds its full text (the gated prompt of Meta's repos).
LLAMA_TEXTS = {
    "LicenseRef-llama2": CARDS / "meta-llama__Llama-2-7b-hf" / "README.md",
    "LicenseRef-llama3": RECORDED / "Meta-Llama-3-8B" / "README.md",
    "LicenseRef-llama3.1": RECORDED / "Llama-3.1-8B-Instruct" / "README.md",
    "LicenseRef-llama3.2": CARDS / "meta-llama__Llama-3.2-1B" / "README.md",
}


def _flat(text: str) -> str:
    """Whitespace, typographic quotes and a hyphen the card's line wrapping split
    ("non-\\n transferable") do not make a clause different."""
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    return re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(text.split()))


def _gated_text(card: Path) -> str:
    front = card.read_text(encoding="utf-8").split("---", 2)[1]
    return _flat(str(yaml.safe_load(front)["extra_gated_prompt"]))


def test_every_term_cites_a_clause_and_an_official_source() -> None:
    table = licences.table()
    assert table.version and len(table.licences) >= 20
    terms = 0
    for entry in table.licences:
        assert entry.url.startswith("https://"), entry.id
        for kind, term in entry.terms.items():
            terms += 1
            assert term.kind is kind
            assert term.value in (TermValue.YES, TermValue.NO), (entry.id, kind)
            assert term.clause and len(term.clause) >= 40, (entry.id, kind)
            assert term.source and term.source.startswith("https://"), (entry.id, kind)
            # The clause comes from the licence's own text, not from a summary somewhere.
            assert term.source == entry.url, (entry.id, kind)
    assert terms >= 40


def test_ids_and_aliases_are_unique() -> None:
    seen: dict[str, str] = {}
    for entry in licences.table().licences:
        for name in (entry.id, *entry.aliases):
            folded = name.lower()
            assert folded not in seen or seen[folded] == entry.id, name
            seen[folded] = entry.id


@pytest.mark.parametrize("licence_id", sorted(LLAMA_TEXTS))
def test_llama_clauses_are_verbatim_in_the_licence_meta_ships(licence_id: str) -> None:
    text = _gated_text(LLAMA_TEXTS[licence_id])
    entry = licences.by_id(licence_id)
    assert entry is not None and entry.terms
    for term in entry.terms.values():
        assert term.clause is not None
        assert _flat(term.clause) in text, (licence_id, term.kind)


def test_llama_33_clauses_are_the_32_clauses_with_the_version_changed() -> None:
    # No Llama 3.3 card in the corpus embeds its text; Meta's 3.3 licence is the 3.2 one
    # with the version (and the policy URL) changed, and this pins that we quote it so.
    l32, l33 = licences.by_id("llama3.2"), licences.by_id("llama3.3")
    assert l32 is not None and l33 is not None
    assert set(l33.terms) == set(l32.terms)
    for kind, term in l33.terms.items():
        expected = (l32.terms[kind].clause or "").replace("3.2", "3.3").replace("3_2", "3_3")
        assert term.clause == expected, kind


def test_hub_licence_ids_normalise_to_licenseref_entries_with_a_class() -> None:
    expected = {
        "llama2": ("LicenseRef-llama2", LicenceClass.OPEN_WITH_USE_RESTRICTIONS),
        "llama3": ("LicenseRef-llama3", LicenceClass.OPEN_WITH_USE_RESTRICTIONS),
        "llama3.1": ("LicenseRef-llama3.1", LicenceClass.OPEN_WITH_USE_RESTRICTIONS),
        "llama3.2": ("LicenseRef-llama3.2", LicenceClass.OPEN_WITH_USE_RESTRICTIONS),
        "llama3.3": ("LicenseRef-llama3.3", LicenceClass.OPEN_WITH_USE_RESTRICTIONS),
        "llama4": ("LicenseRef-llama4", LicenceClass.OPEN_WITH_USE_RESTRICTIONS),
        "gemma": ("LicenseRef-gemma", LicenceClass.OPEN_WITH_USE_RESTRICTIONS),
        "qwen-research": ("LicenseRef-qwen-research", LicenceClass.NON_COMMERCIAL),
        "deepseek": ("LicenseRef-deepseek", LicenceClass.OPEN_WITH_USE_RESTRICTIONS),
        "openrail": ("LicenseRef-openrail", LicenceClass.OPEN_WITH_USE_RESTRICTIONS),
        "creativeml-openrail-m": (
            "LicenseRef-creativeml-openrail-m",
            LicenceClass.OPEN_WITH_USE_RESTRICTIONS,
        ),
        "bigscience-bloom-rail-1.0": (
            "LicenseRef-bigscience-bloom-rail-1.0",
            LicenceClass.OPEN_WITH_USE_RESTRICTIONS,
        ),
        "cc-by-nc-4.0": ("CC-BY-NC-4.0", LicenceClass.NON_COMMERCIAL),
        "mit": ("MIT", LicenceClass.OSI_APPROVED),
        "apache-2.0": ("Apache-2.0", LicenceClass.OSI_APPROVED),
        "Apache-2.0": ("Apache-2.0", LicenceClass.OSI_APPROVED),
        "license:bsd-3-clause": ("BSD-3-Clause", LicenceClass.OSI_APPROVED),
        "cc-by-4.0": ("CC-BY-4.0", LicenceClass.OPEN_DATA),
        "odc-by": ("ODC-By-1.0", LicenceClass.OPEN_DATA),
    }
    for given, (licence_id, cls) in expected.items():
        found = licences.normalise(given)
        assert (found.id, found.cls, found.known) == (licence_id, cls, True), given


def test_other_keeps_the_given_name_and_link_and_unknowns_are_never_guessed() -> None:
    named = licences.normalise("other", "qwen-research", "https://example.org/LICENSE")
    assert (named.id, named.cls, named.given_name, named.given_link) == (
        "LicenseRef-qwen-research",
        LicenceClass.NON_COMMERCIAL,
        "qwen-research",
        "https://example.org/LICENSE",
    )
    bare = licences.normalise("other", None, "https://example.org/terms")
    assert (bare.id, bare.cls, bare.known, bare.given_link) == (
        "LicenseRef-other",
        LicenceClass.PROPRIETARY_OR_UNKNOWN,
        False,
        "https://example.org/terms",
    )
    odd = licences.normalise("Some Vendor Licence v2")
    assert odd.id == "LicenseRef-some-vendor-licence-v2" and not odd.known
    assert all(t.value is TermValue.UNKNOWN and t.clause is None for t in odd.terms())
    # A known licence says unknown for what its entry does not list, rather than "no".
    gemma = licences.normalise("gemma")
    assert gemma.licence is not None
    assert gemma.licence.term(TermKind.USER_THRESHOLD).value is TermValue.UNKNOWN


CARD_LICENCES = {
    "meta-llama__Llama-2-7b-hf": ("LicenseRef-llama2", LicenceClass.OPEN_WITH_USE_RESTRICTIONS),
    "meta-llama__Llama-3.2-1B": ("LicenseRef-llama3.2", LicenceClass.OPEN_WITH_USE_RESTRICTIONS),
    "google__gemma-3-1b-it": ("LicenseRef-gemma", LicenceClass.OPEN_WITH_USE_RESTRICTIONS),
    "Qwen__Qwen2.5-3B-Instruct": ("LicenseRef-qwen-research", LicenceClass.NON_COMMERCIAL),
}


@pytest.mark.parametrize("card", sorted(CARD_LICENCES))
def test_real_cards_declare_licences_that_normalise(card: str) -> None:
    api = json.loads((CARDS / card / "api_model.json").read_text(encoding="utf-8"))
    data = api["cardData"]
    found = licences.normalise(data["license"], data.get("license_name"), data.get("license_link"))
    assert (found.id, found.cls) == CARD_LICENCES[card]
    assert f"license:{data['license']}" in api["tags"]
    if data["license"] == "other":
        assert found.given_name == data["license_name"] and found.given_link == data["license_link"]


def test_gemma_card_links_the_terms_the_table_cites() -> None:
    card = (CARDS / "google__gemma-3-1b-it" / "README.md").read_text(encoding="utf-8")
    entry = licences.by_id("gemma")
    assert entry is not None and re.search(re.escape(entry.url) + r"\s*$", card, re.M)


@pytest.mark.parametrize("card", sorted(CARD_LICENCES))
def test_the_ingest_writes_real_cards_licences_as_nodes_that_say_what_they_are(card: str) -> None:
    api = json.loads((CARDS / card / "api_model.json").read_text(encoding="utf-8"))
    model = HfModel.from_info(ModelInfo(**api))
    prov = Provenance("hf", f"https://huggingface.co/api/models/{model.id}", model.sha, "t", "r")
    mapped = map_model(model, extract_claims(model), {}, prov, "https://huggingface.co")
    edges = [e for e in mapped.batch.edges if e.rel is Rel.LICENSED_UNDER]
    (node,) = licence_nodes(edges)
    licence_id, cls = CARD_LICENCES[card]
    assert node.label is Label.LICENSE and node.props["licence_id"] == licence_id
    assert node.props["licence_class"] == cls.value and node.props["licence_known"] is True
    entry = licences.by_id(licence_id)
    assert entry is not None and node.name == entry.name and node.props["licence_url"] == entry.url
    link = api["cardData"].get("license_link")
    if link:  # the Hub's link stays on the edge: the node is the same whoever names it
        assert all(e.detail == f"license_link: {link}" for e in edges)
