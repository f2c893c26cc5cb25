"""Mappers of the arXiv, S2, GitHub and PyPI sources, on recorded payloads (pure, no I/O)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.records import EdgeRecord, Provenance
from ingest.sources.arxiv.mapper import map_entry
from ingest.sources.arxiv.payloads import FeedError, parse_feed
from ingest.sources.github.manifests import parse_manifest, select_manifests
from ingest.sources.github.mapper import ManifestRead, map_repo, map_sbom
from ingest.sources.github.payloads import Content, Repo, Sbom, Tree
from ingest.sources.links import find_repos
from ingest.sources.pypi.mapper import map_project
from ingest.sources.pypi.payloads import Project
from ingest.sources.s2.mapper import map_references, paper_key, s2_id
from ingest.sources.s2.payloads import ReferencePage
from schema.vocabulary import Method, Rel
from shoulders.settings import BUNDLED_RECORDINGS

REC = BUNDLED_RECORDINGS
PROV = Provenance("test", "http://example.invalid/x", "r1", "2026-01-01T00:00:00Z", "run-1")


def _json(path: str) -> object:
    return json.loads((REC / path).read_text())


def _edges(edges: list[EdgeRecord], rel: Rel) -> dict[str, EdgeRecord]:
    return {e.end: e for e in edges if e.rel is rel}


# --- arXiv -------------------------------------------------------------------------
def test_arxiv_entry_is_keyed_without_version_and_links_its_code() -> None:
    feed = parse_feed((REC / "arxiv/feeds/2412.19437.atom.xml").read_bytes())
    assert feed.errors == () and feed.total_results == 1
    (entry,) = feed.entries
    assert (entry.arxiv_id, entry.version) == ("2412.19437", "v2")
    assert entry.title == "DeepSeek-V3 Technical Report"
    assert entry.published == "2024-12-27T00:00:00Z" and entry.updated == "2025-02-18T00:00:00Z"
    assert entry.categories == ("cs.CL", "cs.AI") and entry.primary_category == "cs.CL"
    assert entry.authors[0] == "DeepSeek-AI"

    mapped = map_entry(entry, PROV)
    (node,) = mapped.batch.nodes
    assert node.key == "arxiv:2412.19437" and node.props["version"] == "v2"
    code = _edges(mapped.batch.edges, Rel.HAS_CODE)["github:deepseek-ai/deepseek-v3"]
    assert code.evidence.method is Method.INFERRED and code.evidence.field == "summary"
    assert "https://github.com/deepseek-ai/DeepSeek-V3" in code.evidence.value
    assert [f.key for f in mapped.follow] == ["github:deepseek-ai/deepseek-v3"]


def test_two_entries_in_one_feed() -> None:
    feed = parse_feed((REC / "arxiv/feeds/2401.06066-2405.04434.atom.xml").read_bytes())
    assert [(e.arxiv_id, e.version) for e in feed.entries] == [
        ("2401.06066", "v1"),
        ("2405.04434", "v5"),
    ]


def test_an_error_entry_is_a_refusal_not_a_paper() -> None:
    feed = parse_feed((REC / "arxiv/feeds/error-1234.12345.atom.xml").read_bytes())
    assert feed.entries == ()
    assert feed.errors == ("incorrect id format for 1234.12345",)


def test_not_a_feed() -> None:
    with pytest.raises(FeedError):
        parse_feed(b'{"error": "no recording"}')


# --- Semantic Scholar --------------------------------------------------------------------
def test_references_become_cites_edges_keyed_by_arxiv_id() -> None:
    page = ReferencePage.model_validate(_json("s2/bodies/references-2412.19437.json"))
    mapped = map_references("arxiv:2412.19437", page.data, PROV)
    cites = _edges(mapped.batch.edges, Rel.CITES)
    assert set(cites) == {"arxiv:2405.04434", "arxiv:2401.06066"}
    edge = cites["arxiv:2405.04434"]
    assert edge.evidence.field == "references" and edge.detail == "not influential"
    assert edge.end_name and edge.end_name.startswith("DeepSeek-V2")
    assert {f.rel for f in mapped.follow} == {Rel.CITES}


def test_captured_reference_pages_skip_unresolved_papers() -> None:
    page = ReferencePage.model_validate(
        _json("s2/bodies/paper-references-fields-title-offset0-limit50.json")
    )
    assert page.next == 50
    mapped = map_references("doi:10.2139/ssrn.2250500", page.data, PROV)
    assert mapped.batch.edges and all(e.end.startswith("s2:") for e in mapped.batch.edges)
    last = ReferencePage.model_validate(
        _json("s2/bodies/paper-references-fields-title-offset50-limit50-last-page.json")
    )
    assert last.next is None
    assert map_references("doi:10.2139/ssrn.2250500", last.data, PROV).unresolved > 0


def test_s2_ids_and_keys() -> None:
    assert s2_id("arxiv:2412.19437") == "ARXIV:2412.19437"
    assert s2_id("doi:10.1093/mind/lix.236.433") == "DOI:10.1093/mind/lix.236.433"
    page = ReferencePage.model_validate(_json("s2/bodies/references-2401.02954.json"))
    assert [paper_key(r.citedPaper) for r in page.data] == ["arxiv:2302.13971", "arxiv:2307.09288"]


# --- GitHub ------------------------------------------------------------------------
V3_REQUIREMENTS = "torch==2.4.1\ntriton==3.0.0\ntransformers==4.46.3\nsafetensors==0.4.5"


def test_real_requirements_file_of_deepseek_v3() -> None:
    content = Content.model_validate(
        _json("github/bodies/contents-DeepSeek-V3-inference-requirements.txt.json")
    )
    assert content.text() == V3_REQUIREMENTS  # no trailing newline, as in the repository
    parsed = parse_manifest("inference/requirements.txt", content.text())
    assert [(r.name, r.spec) for r in parsed.requirements] == [
        ("torch", "==2.4.1"),
        ("triton", "==3.0.0"),
        ("transformers", "==4.46.3"),
        ("safetensors", "==0.4.5"),
    ]


def test_repo_depends_on_pinned_packages_with_the_file_as_evidence() -> None:
    repo = Repo.model_validate(_json("github/bodies/repo-deepseek-ai__DeepSeek-V3.json"))
    tree = Tree.model_validate(_json("github/bodies/tree-deepseek-ai__DeepSeek-V3.json"))
    assert select_manifests(tree.files()) == ["inference/requirements.txt"]
    parsed = parse_manifest("inference/requirements.txt", V3_REQUIREMENTS)
    mapped = map_repo(repo, ManifestRead(listed=True, parsed=(parsed,)), PROV)
    (node,) = mapped.batch.nodes
    assert node.key == "github:deepseek-ai/deepseek-v3" and node.name == "deepseek-ai/DeepSeek-V3"
    assert node.props["manifests"] == ["inference/requirements.txt"]
    deps = _edges(mapped.batch.edges, Rel.DEPENDS_ON)
    assert set(deps) == {"pypi:torch", "pypi:triton", "pypi:transformers", "pypi:safetensors"}
    torch = deps["pypi:torch"]
    assert (torch.detail, torch.evidence.field, torch.evidence.value) == (
        "==2.4.1",
        "inference/requirements.txt",
        "torch==2.4.1",
    )
    # Two licence files: GitHub names none, so no licence edge is invented.
    assert not _edges(mapped.batch.edges, Rel.LICENSED_UNDER)


def test_repository_without_manifests_says_so() -> None:
    repo = Repo.model_validate(_json("github/bodies/repo-deepseek-ai__DeepSeek-R1.json"))
    tree = Tree.model_validate(_json("github/bodies/tree-deepseek-ai__DeepSeek-R1.json"))
    assert select_manifests(tree.files()) == []
    mapped = map_repo(repo, ManifestRead(listed=True), PROV)
    assert mapped.batch.nodes[0].props["manifests"] == []
    assert mapped.warnings == [
        "github:deepseek-ai/deepseek-r1: no dependency manifests in the repository"
    ]
    (licence,) = _edges(mapped.batch.edges, Rel.LICENSED_UNDER)
    assert licence == "license:mit"


def test_fork_parent() -> None:
    data = dict(_json("github/bodies/repo-triton-lang__triton.json"))  # type: ignore[call-overload]
    data.update(fork=True, parent={"full_name": "openai/triton"})
    mapped = map_repo(Repo.model_validate(data), ManifestRead(listed=False), PROV)
    assert "github:openai/triton" in _edges(mapped.batch.edges, Rel.FORKED_FROM)


def test_manifest_formats_are_parsed_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    setup_py = (
        "import os\n"
        f"os.system('touch {marker}')\n"
        "REQUIRES = ['numpy>=1.17', 'torch']\n"
        "setup(name='x', install_requires=REQUIRES)\n"
    )
    assert [r.name for r in parse_manifest("setup.py", setup_py).requirements] == ["numpy", "torch"]
    assert not marker.exists()
    pyproject = '[project]\ndependencies = ["PyYAML", "jinja2>=3.1.6"]\n'
    assert [(r.name, r.spec) for r in parse_manifest("pyproject.toml", pyproject).requirements] == [
        ("PyYAML", ""),
        ("jinja2", ">=3.1.6"),
    ]
    setup_cfg = "[options]\ninstall_requires =\n    requests>=2\n    tqdm\n"
    assert [r.name for r in parse_manifest("setup.cfg", setup_cfg).requirements] == [
        "requests",
        "tqdm",
    ]
    env = "dependencies:\n  - python=3.10\n  - pip:\n    - safetensors==0.4.5\n"
    assert [r.line for r in parse_manifest("environment.yml", env).requirements] == [
        "safetensors==0.4.5"
    ]
    reqs = "# pinned\n-r base.txt\nfilelock==3.16.1 --hash=sha256:abc\ngit+https://x/y.git\nregex!=2019.12.17  # why\n"
    parsed = parse_manifest("requirements/dev.txt", reqs)
    assert [(r.name, r.spec) for r in parsed.requirements] == [
        ("filelock", "==3.16.1"),
        ("regex", "!=2019.12.17"),
    ]
    assert parse_manifest("pyproject.toml", "not = [toml").problems


def test_manifest_selection() -> None:
    paths = [
        "third_party/x/requirements.txt",
        "docs/requirements-docs.txt",
        "setup.py",
        "a/b/c.txt",
    ]
    assert select_manifests(paths) == ["setup.py", "docs/requirements-docs.txt"]


def test_sbom_pypi_packages() -> None:
    sbom = Sbom.model_validate(
        {
            "sbom": {
                "name": "com.github.o/r",
                "packages": [
                    {
                        "name": "torch",
                        "versionInfo": "2.4.1",
                        "externalRefs": [
                            {
                                "referenceCategory": "PACKAGE-MANAGER",
                                "referenceType": "purl",
                                "referenceLocator": "pkg:pypi/torch@2.4.1",
                            }
                        ],
                    },
                    {
                        "name": "tap",
                        "versionInfo": "^12.0.0",
                        "externalRefs": [
                            {
                                "referenceCategory": "PACKAGE-MANAGER",
                                "referenceType": "purl",
                                "referenceLocator": "pkg:npm/tap@%5E12.0.0",
                            }
                        ],
                    },
                ],
            }
        }
    )
    mapped = map_sbom("github:o/r", sbom, PROV)
    assert [(e.end, e.detail) for e in mapped.batch.edges] == [("pypi:torch", "2.4.1")]


def test_links_in_text() -> None:
    text = 'See "https://github.com/deepseek-ai/DeepSeek-V2". Also github.com/orgs/x and github.com/a/b.git.'
    assert [link.key for link in find_repos(text)] == [
        "github:deepseek-ai/deepseek-v2",
        "github:a/b",
    ]


# --- PyPI ----------------------------------------------------------------------------
def _project(name: str) -> Project:
    return Project.model_validate(_json(f"pypi/bodies/{name}.json"))


def test_transformers_built_from_home_page_and_its_required_packages() -> None:
    mapped = map_project(_project("transformers").info, PROV)
    built = _edges(mapped.batch.edges, Rel.BUILT_FROM)["github:huggingface/transformers"]
    assert built.evidence.field == "info.home_page"
    deps = _edges(mapped.batch.edges, Rel.DEPENDS_ON)
    assert deps["pypi:huggingface-hub"].detail == "<1.0,>=0.23.2"
    assert deps["pypi:safetensors"].detail == ">=0.4.1"
    assert "pypi:torch" not in deps  # only an optional extra
    assert len(deps) == 10
    assert set(_edges(mapped.batch.edges, Rel.LICENSED_UNDER)) == {"license:apache-2.0"}


def test_safetensors_source_url_and_classifier_licence() -> None:
    mapped = map_project(_project("safetensors").info, PROV)
    built = _edges(mapped.batch.edges, Rel.BUILT_FROM)["github:huggingface/safetensors"]
    assert built.evidence.field == "info.project_urls.Source" and built.evidence.confidence == 1.0
    assert not _edges(mapped.batch.edges, Rel.DEPENDS_ON)  # every requirement is an extra
    (licence,) = _edges(mapped.batch.edges, Rel.LICENSED_UNDER).values()
    assert licence.end == "license:apache-2.0" and licence.evidence.field == "info.classifiers"


def test_torch_one_edge_per_repository() -> None:
    mapped = map_project(_project("torch").info, PROV)
    built = [e for e in mapped.batch.edges if e.rel is Rel.BUILT_FROM]
    assert [(e.end, e.evidence.field) for e in built] == [
        ("github:pytorch/pytorch", "info.project_urls.Repository")
    ]


def test_no_registry_host_in_our_code() -> None:
    code = Path(__file__).resolve().parent.parent / "ingest" / "sources"
    for folder in ("pypi", "github", "arxiv", "s2"):
        for file in (code / folder).glob("*.py"):
            assert "pypi.org" not in file.read_text(), file
