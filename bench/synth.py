"""The synthetic Hub-shaped graph as the project's own records, streamed.

``Synth(shape).batches(n)`` yields ``RecordBatch``es of ``n`` entities each: the
node a source would write and every edge that starts at it, with the provenance
and evidence the real mappers give (tags, cardData, README prose, requirements,
references). Nothing but the current batch is ever held: each entity is rebuilt from
its index, so the 1M graph streams in constant memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property

from bench.draw import Draws, Zipf
from bench.models import HUB_RELATION, ModelKind, ModelSpec, ModelSpecs
from bench.shape import KNOWN_PACKAGES, LIBRARIES, WORDS, Kind, Shape
from ingest.records import (
    EdgeRecord,
    Evidence,
    NodeRecord,
    PropValue,
    Provenance,
    RecordBatch,
)
from schema import keys
from schema.vocabulary import Label, Method, Rel

FETCHED_AT = "2025-06-01T00:00:00Z"
HF = "https://huggingface.co"
_PIPELINES = ("text-generation", "text2text-generation", "image-text-to-text", "feature-extraction")
_ARCHS = ("LlamaForCausalLM", "Qwen2ForCausalLM", "MistralForCausalLM", "GemmaForCausalLM")


class Synth:
    """Records of one synthetic graph; every method is a pure function of the index."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.models = ModelSpecs(shape)
        self.run_id = f"bench-{shape.seed}"

    # --- popularity laws (built once, a few thousand floats each) --------------------
    @cached_property
    def dataset_law(self) -> Zipf:
        return Zipf(self.shape.datasets, 1.0)

    @cached_property
    def package_law(self) -> Zipf:
        return Zipf(self.shape.packages, 1.1)

    @cached_property
    def paper_law(self) -> Zipf:
        return Zipf(self.shape.papers, 0.9)

    @cached_property
    def license_law(self) -> Zipf:
        return Zipf(self.shape.licenses, 1.2)

    # --- keys -------------------------------------------------------------------------
    def model_key(self, i: int) -> str:
        return keys.hf_model(self.models.repo_id(i))

    def key(self, kind: Kind, i: int) -> str:
        s = self.shape
        if kind is Kind.MODEL:
            return self.model_key(i)
        return {
            Kind.LICENSE: lambda: keys.license_(s.license_id(i)),
            Kind.ORG: lambda: keys.hf_org(s.org_name(i)),
            Kind.PACKAGE: lambda: keys.pypi(s.package_name(i)),
            Kind.REPO: lambda: keys.github(s.repo_name(i)),
            Kind.PAPER: lambda: keys.arxiv(s.paper_id(i)),
            Kind.DATASET: lambda: keys.hf_dataset(s.dataset_id(i)),
        }[kind]()

    # --- the stream -------------------------------------------------------------------
    def entities(self) -> Iterator[tuple[Kind, int]]:
        for kind in Kind:
            for i in range(self.shape.count(kind)):
                yield kind, i

    def batches(self, entities_per_batch: int, every: int = 1) -> Iterator[RecordBatch]:
        """The whole graph in batches; ``every=k`` keeps one entity in k (a fair sample)."""
        batch = RecordBatch()
        held = 0
        for n, (kind, i) in enumerate(self.entities()):
            if n % every:
                continue
            self.add(batch, kind, i)
            held += 1
            if held >= entities_per_batch:
                yield batch
                batch, held = RecordBatch(), 0
        if held:
            yield batch

    def add(self, batch: RecordBatch, kind: Kind, i: int) -> None:
        build = {
            Kind.LICENSE: self._license,
            Kind.ORG: self._org,
            Kind.PACKAGE: self._package,
            Kind.REPO: self._repo,
            Kind.PAPER: self._paper,
            Kind.DATASET: self._dataset,
            Kind.MODEL: self._model,
        }[kind]
        build(batch, i)

    # --- entities nobody fetches: licences and organisations are referenced nodes -----
    def _license(self, batch: RecordBatch, i: int) -> None:
        ident = self.shape.license_id(i)
        batch.nodes.append(NodeRecord(keys.license_(ident), Label.LICENSE, ident))

    def _org(self, batch: RecordBatch, i: int) -> None:
        name = self.shape.org_name(i)
        batch.nodes.append(NodeRecord(keys.hf_org(name), Label.ORGANIZATION, name))

    def _licensed(
        self, batch: RecordBatch, start: str, d: Draws, prov: Provenance, field: str
    ) -> str:
        ident = self.shape.license_id(self.license_law.rank(d))
        batch.edges.append(
            EdgeRecord(
                Rel.LICENSED_UNDER,
                start,
                keys.license_(ident),
                prov,
                Evidence(field, ident),
                end_name=ident,
            )
        )
        return ident

    # --- packages and repositories: 10-50 dependencies each ---------------------------
    def _package(self, batch: RecordBatch, i: int) -> None:
        s = self.shape
        d = s.draws(Kind.PACKAGE, i + 1_000_000_007)  # apart from the name's draws
        name = s.package_name(i)
        key = keys.pypi(name)
        version = f"{d.between(0, 4)}.{d.between(0, 30)}.{d.between(0, 9)}"
        prov = Provenance(
            "pypi", f"https://pypi.org/pypi/{name}/json", version, FETCHED_AT, self.run_id
        )
        props: dict[str, PropValue] = {
            "name": name,
            "ecosystem": "pypi",
            "version": version,
            "summary": f"{d.pick(WORDS)} tools for {d.pick(WORDS)}",
            "requires_python": ">=3.9",
        }
        batch.nodes.append(NodeRecord(key, Label.PACKAGE, name, props, prov))
        self._licensed(batch, key, d, prov, "info.license_expression")
        if d.chance(0.8):
            repo = s.repo_name(d.below(s.repos))
            batch.edges.append(
                EdgeRecord(
                    Rel.BUILT_FROM,
                    key,
                    keys.github(repo),
                    prov,
                    Evidence("info.project_urls.Repository", f"https://github.com/{repo}"),
                    end_name=repo,
                )
            )
        if i > 0:
            picks = _distinct(lambda: self.package_law.rank(d) % i, d.between(0, 8), i)
            self._depends_on(
                batch,
                key,
                picks,
                prov,
                "info.requires_dist",
                lambda: f">={d.between(0, 3)}.{d.between(0, 9)}",
            )

    def _depends_on(
        self,
        batch: RecordBatch,
        key: str,
        picks: list[int],
        prov: Provenance,
        field: str,
        spec: Callable[[], str],
    ) -> None:
        """DEPENDS_ON each picked package in order, its version spec drawn edge by edge."""
        for j in sorted(picks):
            dep = self.shape.package_name(j)
            version = spec()
            batch.edges.append(
                EdgeRecord(
                    Rel.DEPENDS_ON,
                    key,
                    keys.pypi(dep),
                    prov,
                    Evidence(field, f"{dep}{version}"),
                    detail=version,
                    end_name=dep,
                )
            )

    def _repo(self, batch: RecordBatch, i: int) -> None:
        s = self.shape
        d = s.draws(Kind.REPO, i + 1_000_000_007)
        full_name = s.repo_name(i)
        key = keys.github(full_name)
        sha = d.hex()
        prov = Provenance(
            "github", f"https://api.github.com/repos/{full_name}", sha, FETCHED_AT, self.run_id
        )
        props: dict[str, PropValue] = {
            "full_name": full_name,
            "html_url": f"https://github.com/{full_name}",
            "description": f"{d.pick(WORDS)} {d.pick(WORDS)} training and inference",
            "default_branch": "main",
            "stars": d.below(50_000),
            "fork": False,
            "archived": False,
            "topics": [d.pick(WORDS), d.pick(WORDS)],
            "manifests": ["requirements.txt"],
            "aliases": [full_name],
        }
        batch.nodes.append(NodeRecord(key, Label.REPOSITORY, full_name, props, prov))
        self._licensed(batch, key, d, prov, "license.spdx_id")
        if i > 0 and d.chance(0.05):
            parent = s.repo_name(d.below(i))
            batch.edges.append(
                EdgeRecord(
                    Rel.FORKED_FROM,
                    key,
                    keys.github(parent),
                    prov,
                    Evidence("parent.full_name", parent),
                    end_name=parent,
                )
            )
        manifest = Provenance(
            "github",
            f"https://api.github.com/repos/{full_name}/contents/requirements.txt",
            sha,
            FETCHED_AT,
            self.run_id,
        )
        picks = _distinct(lambda: self.package_law.rank(d), d.between(10, 50), s.packages)
        self._depends_on(
            batch,
            key,
            picks,
            manifest,
            "requirements.txt",
            lambda: f"=={d.between(0, 3)}.{d.between(0, 20)}.{d.between(0, 9)}",
        )

    # --- papers: 20-60 citations each, to earlier papers -----------------------------
    def _paper(self, batch: RecordBatch, i: int) -> None:
        s = self.shape
        d = s.draws(Kind.PAPER, i)
        arxiv_id = s.paper_id(i)
        key = keys.arxiv(arxiv_id)
        version = f"v{d.between(1, 3)}"
        title = f"{d.pick(WORDS).capitalize()}: {d.pick(WORDS)} {d.pick(WORDS)} at scale"
        prov = Provenance(
            "arxiv",
            f"https://export.arxiv.org/api/query?id_list={arxiv_id}",
            version,
            FETCHED_AT,
            self.run_id,
        )
        props: dict[str, PropValue] = {
            "title": title,
            "arxiv_id": arxiv_id,
            "version": version,
            "published": f"20{arxiv_id[:2]}-{arxiv_id[2:4]}-15",
            "authors": [f"{d.pick(WORDS).capitalize()} {d.pick(WORDS).capitalize()}"] * 3,
            "categories": ["cs.CL", "cs.LG"],
        }
        batch.nodes.append(NodeRecord(key, Label.PAPER, title, props, prov))
        refs = Provenance(
            "s2",
            f"https://api.semanticscholar.org/graph/v1/paper/arXiv:{arxiv_id}/references",
            None,
            FETCHED_AT,
            self.run_id,
        )
        if i > 0:
            # Earlier papers, the popular ones more often (rank 0 is the most cited).
            picks = _distinct(lambda: (i - 1 - self.paper_law.rank(d)) % i, d.between(20, 60), i)
            for j in sorted(picks):
                cited = s.paper_id(j)
                batch.edges.append(
                    EdgeRecord(
                        Rel.CITES,
                        key,
                        keys.arxiv(cited),
                        refs,
                        Evidence("references", cited, Method.DECLARED, 0.95),
                        detail="intents=background" if d.chance(0.3) else None,
                    )
                )
        if d.chance(0.3):
            repo = s.repo_name(d.below(s.repos))
            batch.edges.append(
                EdgeRecord(
                    Rel.HAS_CODE,
                    key,
                    keys.github(repo),
                    prov,
                    Evidence("abstract", f"Code: https://github.com/{repo}", Method.INFERRED, 0.6),
                    end_name=repo,
                )
            )

    # --- datasets and models: the Hub ------------------------------------------------
    def _dataset(self, batch: RecordBatch, i: int) -> None:
        s = self.shape
        d = s.draws(Kind.DATASET, i + 1_000_000_007)
        repo_id = s.dataset_id(i)
        key = keys.hf_dataset(repo_id)
        author = repo_id.split("/")[0]
        prov = Provenance("hf", f"{HF}/api/datasets/{repo_id}", d.hex(), FETCHED_AT, self.run_id)
        licence = self._licensed(batch, key, d, prov, "cardData.license")
        props: dict[str, PropValue] = {
            "author": author,
            "last_modified": "2025-01-01T00:00:00Z",
            "license": licence,
            "page": f"{HF}/datasets/{repo_id}",
        }
        batch.nodes.append(NodeRecord(key, Label.DATASET, repo_id, props, prov))
        batch.edges.append(
            EdgeRecord(
                Rel.PUBLISHED_BY,
                key,
                keys.hf_org(author),
                prov,
                Evidence("author", author),
                end_name=author,
            )
        )
        if d.chance(0.2):
            paper = s.paper_id(d.below(s.papers))
            batch.edges.append(
                EdgeRecord(
                    Rel.DESCRIBED_BY,
                    key,
                    keys.arxiv(paper),
                    prov,
                    Evidence("tags", f"arxiv:{paper}"),
                )
            )

    def _model(self, batch: RecordBatch, i: int) -> None:
        s = self.shape
        spec = self.models.spec(i)
        d = s.draws(Kind.MODEL, i + 1_000_000_007)
        key = keys.hf_model(spec.repo_id)
        author = spec.repo_id.split("/")[0]
        sha = d.hex()
        prov = Provenance("hf", f"{HF}/api/models/{spec.repo_id}", sha, FETCHED_AT, self.run_id)
        card = Provenance(
            "hf", f"{HF}/{spec.repo_id}/resolve/{sha}/README.md", sha, FETCHED_AT, self.run_id
        )
        library = d.pick(tuple(LIBRARIES)) if d.chance(0.85) else None
        licence = self._licensed(batch, key, d, prov, "cardData.license")
        props: dict[str, PropValue] = {
            "author": author,
            "pipeline_tag": d.pick(_PIPELINES),
            "library_name": library,
            "gated": "false",
            "downloads": d.below(1_000_000) if spec.kind is ModelKind.BASE else d.below(5_000),
            "likes": d.below(500),
            "created_at": "2024-06-01T00:00:00Z",
            "last_modified": "2025-01-01T00:00:00Z",
            "architectures": [d.pick(_ARCHS)],
            "model_type": "llama",
            "license": licence,
            "page": f"{HF}/{spec.repo_id}",
        }
        batch.nodes.append(
            NodeRecord(
                key,
                Label.MODEL,
                spec.repo_id,
                {k: v for k, v in props.items() if v is not None},
                prov,
            )
        )
        batch.edges.append(
            EdgeRecord(
                Rel.PUBLISHED_BY,
                key,
                keys.hf_org(author),
                prov,
                Evidence("author", author),
                end_name=author,
            )
        )
        self._lineage(batch, spec, key, d, prov, card)
        datasets = (
            {self.dataset_law.rank(d) for _ in range(d.between(1, 3))} if d.chance(0.5) else set()
        )
        for j in sorted(datasets):
            dataset = s.dataset_id(j)
            batch.edges.append(
                EdgeRecord(
                    Rel.TRAINED_ON,
                    key,
                    keys.hf_dataset(dataset),
                    prov,
                    Evidence("cardData.datasets", dataset),
                )
            )
        self._papers_and_code(batch, spec, key, d, prov, card)
        if library is not None:
            package = KNOWN_PACKAGES[LIBRARIES[library]]
            batch.edges.append(
                EdgeRecord(
                    Rel.USES_LIBRARY,
                    key,
                    keys.pypi(package),
                    prov,
                    Evidence("library_name", library),
                )
            )

    def _lineage(
        self,
        batch: RecordBatch,
        spec: ModelSpec,
        key: str,
        d: Draws,
        prov: Provenance,
        card: Provenance,
    ) -> None:
        relation = HUB_RELATION.get(spec.kind)
        for rel, j in spec.parents:
            parent = self.models.repo_id(j)
            end = keys.hf_model(parent)
            if rel is Rel.DISTILLED_FROM:
                sentence = f"{spec.repo_id.split('/')[1]} is distilled from {parent}."
                evidence = Evidence("README.md#prose", sentence, Method.INFERRED, 0.8)
                batch.edges.append(EdgeRecord(rel, key, end, card, evidence, end_name=parent))
                continue
            if relation is not None:
                tag = Evidence("tags", f"base_model:{relation}:{parent}")
                batch.edges.append(
                    EdgeRecord(rel, key, end, prov, tag, f"hub relation: {relation}", parent)
                )
            if relation is None or d.chance(0.3):
                detail = "several base models: a merge" if rel is Rel.MERGED_FROM else None
                declared = Evidence("cardData.base_model", parent)
                batch.edges.append(EdgeRecord(rel, key, end, prov, declared, detail, parent))
            if d.chance(0.1):
                sentence = f"{spec.repo_id.split('/')[1]} is fine-tuned from {parent}."
                inferred = Evidence("README.md#prose", sentence, Method.INFERRED, 0.7)
                batch.edges.append(EdgeRecord(rel, key, end, card, inferred, None, parent))

    def _papers_and_code(
        self,
        batch: RecordBatch,
        spec: ModelSpec,
        key: str,
        d: Draws,
        prov: Provenance,
        card: Provenance,
    ) -> None:
        s = self.shape
        if spec.kind is ModelKind.BASE:
            own = s.paper_id(s.papers - 1 - d.below(max(1, s.papers // 10)))
            snippet = f"@misc{{{spec.repo_id.split('/')[1]}, eprint={{{own}}}}}"
            batch.edges.append(
                EdgeRecord(
                    Rel.DESCRIBED_BY,
                    key,
                    keys.arxiv(own),
                    card,
                    Evidence("README.md#citation", snippet, Method.INFERRED, 0.8),
                    "the card's citation names this model's family",
                )
            )
            if d.chance(0.5):
                repo = s.repo_name(d.below(s.repos))
                batch.edges.append(
                    EdgeRecord(
                        Rel.HAS_CODE,
                        key,
                        keys.github(repo),
                        card,
                        Evidence(
                            "README.md#link", f"https://github.com/{repo}", Method.INFERRED, 0.6
                        ),
                        end_name=repo,
                    )
                )
        if d.chance(0.25):
            for rank in sorted({self.paper_law.rank(d) for _ in range(d.between(1, 2))}):
                paper = s.paper_id(s.papers - 1 - rank)
                batch.edges.append(
                    EdgeRecord(
                        Rel.MENTIONS_PAPER,
                        key,
                        keys.arxiv(paper),
                        prov,
                        Evidence("tags", f"arxiv:{paper}"),
                        "a paper linked from the card",
                    )
                )


def _distinct(draw: Callable[[], int], count: int, available: int) -> list[int]:
    """``count`` distinct draws (fewer when fewer exist), sorted; popular ones come first."""
    picked: set[int] = set()
    want = min(count, available)
    tries = 0
    while len(picked) < want and tries < 20 * want:
        picked.add(draw())
        tries += 1
    return sorted(picked)
