"""Hub payload + model card -> records. Pure: no I/O, same input, same records.

Lineage comes from three places, and every claim keeps its own evidence:

- Hub tags ``base_model:{relation}:{id}`` (declared; the Hub writes canonical ids),
- card YAML ``base_model`` / ``base_model_relation`` (declared; may hold a pre-rename id),
- README prose: a "Base Model" table and sentences (inferred, with the snippet).

Claims are extracted once per model (``extract_claims`` -> ``CardClaims``). The
source resolves ids that did not come from tags (``CardClaims.to_resolve``) and
passes the answers in ``canonical``; a claim on a stale id then points at the
canonical node and keeps the raw id as its evidence value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ingest.records import (
    EdgeRecord,
    Evidence,
    NodeRecord,
    PropValue,
    Provenance,
)
from ingest.sources.base import Follow, Mapped
from ingest.sources.hf import libraries as libs
from ingest.sources.hf import links, prose, templates
from ingest.sources.hf.payloads import Card, HfDataset, HfModel
from schema import keys
from schema.vocabulary import HF_BASE_RELATIONS, MODEL_LINEAGE, Label, Method, Rel

# library_name values that name a PyPI package (the Hub's names are not all PyPI names).
LIBRARY_PACKAGES: dict[str, str] = {
    "transformers": "transformers",
    "diffusers": "diffusers",
    "sentence-transformers": "sentence-transformers",
    "peft": "peft",
    "timm": "timm",
    "open_clip": "open-clip-torch",
    "mlx": "mlx",
    "keras": "keras",
    "flair": "flair",
    "spacy": "spacy",
    "stable-baselines3": "stable-baselines3",
    "setfit": "setfit",
    "adapter-transformers": "adapter-transformers",
    "vllm": "vllm",
}

CONF_TABLE = 0.9  # a table row linking the model to its base on the Hub
CONF_SENTENCE_LINK = 0.8  # a sentence whose object is (or matches) a Hub link
CONF_SENTENCE_NAME = 0.7  # a sentence naming a repo of the same author, confirmed by the Hub
CONF_TEACHER = 0.8
CONF_BIBTEX_OWN = 0.8
CONF_BIBTEX_OTHER = 0.6
CONF_CODE_LINK = 0.6


@dataclass(frozen=True)
class Claim:
    """A model -> model (or dataset) claim before ids are made canonical."""

    rel: Rel
    target: str  # a node key built from the raw id
    evidence: Evidence
    detail: str | None = None
    from_tag: bool = False


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _model_key(repo_id: str) -> str | None:
    try:
        return keys.hf_model(repo_id)
    except keys.KeyError_:
        return None


# --- declared lineage -----------------------------------------------------------------
def declared_claims(m: HfModel) -> list[Claim]:
    claims: list[Claim] = []
    tag_targets: dict[str, Rel] = {}
    for tag in m.tags:
        parts = tag.split(":")
        if parts[0] != "base_model" or len(parts) < 2:
            continue
        relation, repo = (parts[1], ":".join(parts[2:])) if len(parts) > 2 else (None, parts[1])
        key = _model_key(repo)
        if key is None:
            continue
        if relation is None:
            continue  # the plain tag pairs with a base_model:{relation}:{id} tag; below if alone
        rel = HF_BASE_RELATIONS.get(relation, Rel.DERIVED_FROM)
        tag_targets[key] = rel
        claims.append(
            Claim(
                rel, key, Evidence("tags", tag), detail=f"hub relation: {relation}", from_tag=True
            )
        )
    for tag in m.tags:
        parts = tag.split(":")
        if parts[0] == "base_model" and len(parts) == 2:
            key = _model_key(parts[1])
            if key is not None and key not in tag_targets:
                claims.append(Claim(Rel.DERIVED_FROM, key, Evidence("tags", tag), from_tag=True))

    bases = _strings(m.card_data.get("base_model"))
    stated = m.card_data.get("base_model_relation")
    for raw in bases:
        key = _model_key(raw)
        if key is None:
            continue
        if isinstance(stated, str) and stated in HF_BASE_RELATIONS:
            rel, detail = HF_BASE_RELATIONS[stated], f"base_model_relation: {stated}"
        elif len(bases) > 1:
            rel, detail = Rel.MERGED_FROM, "several base models: a merge"
        else:
            rel, detail = tag_targets.get(key, Rel.DERIVED_FROM), None
        claims.append(Claim(rel, key, Evidence("cardData.base_model", raw), detail=detail))
    return claims


# --- prose lineage ------------------------------------------------------------------------
def _subject_names(subject: str) -> list[str]:
    parts = re.split(r"\s*(?:,|&|\band\b)\s*", subject)
    return [p.strip(" *_`") for p in parts if p.strip()]


def _mentions(subject: str, name: str) -> bool:
    """The subject names this model exactly, or "<prefix> models" that covers it."""
    target = prose.normalise(name)
    for part in _subject_names(subject):
        if prose.normalise(part) == target:
            return True
        m = re.match(r"(.+?)\s+models?$", part, re.I)
        if m and target.startswith(prose.normalise(m.group(1))) and len(m.group(1)) > 3:
            return True
    return False


def _same_name(name: str, repo_id: str) -> bool:
    return _stem(name) == _stem(repo_id.split("/")[-1])


def _stem(name: str) -> str:
    # "Llama3.1-8B-Base" names the base weights of "Llama-3.1-8B".
    return re.sub(r"base$", "", prose.normalise(name))


def _resolve_name(
    name: str,
    link: str | None,
    sentence_links: tuple[str, ...],
    card_links: list[str],
    author: str | None,
) -> tuple[str | None, float, str]:
    """A name in prose -> a Hub id, only through a link or an unambiguous match."""
    if link:
        return link, CONF_SENTENCE_LINK, "linked in the sentence"
    for candidates, how in (
        (sentence_links, "a link in the sentence"),
        (tuple(card_links), "a link in the card"),
    ):
        matches = {c for c in candidates if _same_name(name, c)}
        if len(matches) == 1:
            return matches.pop(), CONF_SENTENCE_LINK, f"name matches {how}"
    # A bare name is tried in the author's namespace only when it looks like a model
    # name (has a digit and a capital, like "DeepSeek-V3-Base"), not like prose.
    if (
        author
        and re.fullmatch(r"[\w.\-]+", name)
        and re.search(r"\d", name)
        and name != name.lower()
    ):
        return f"{author}/{name}", CONF_SENTENCE_NAME, "same author on the Hub"
    return None, 0.0, ""


def prose_claims(m: HfModel, body: str) -> list[Claim]:
    claims: list[Claim] = []
    repo_name = m.id.split("/")[-1]
    card_links = prose.hf_ids(body)
    is_distill = False
    for row in prose.base_model_rows(body):
        in_row = m.id in row.model_links or prose.normalise(row.model_cell) == prose.normalise(
            repo_name
        )
        if not in_row or row.base_link is None:
            continue
        is_distill = is_distill or "distill" in prose.normalise(row.model_cell + repo_name)
        key = _model_key(row.base_link)
        if key:
            claims.append(
                Claim(
                    Rel.FINETUNED_FROM,
                    key,
                    Evidence(
                        "README.md#table:Base Model", row.snippet, Method.INFERRED, CONF_TABLE
                    ),
                    detail=f"base weights named '{row.base_name}'",
                )
            )
    is_distill = is_distill or "distill" in repo_name.lower()
    claims += _sentence_claims(
        m, prose.based_on_sentences(body), card_links, Rel.FINETUNED_FROM, 1.0, ""
    )
    if is_distill:
        teachers = prose.teacher_sentences(body)
        claims += _sentence_claims(
            m, teachers, card_links, Rel.DISTILLED_FROM, CONF_TEACHER, "teacher "
        )
    card = templates.shape(m.id, m.tags, m.library_name, body)
    for t in templates.base_claims(m.id, body, card):
        key = _model_key(t.target)
        if key is None:
            continue
        claims.append(
            Claim(
                t.rel,
                key,
                Evidence(TEMPLATE_FIELD, t.snippet, Method.INFERRED, t.confidence),
                detail=t.how,
            )
        )
    return claims


TEMPLATE_FIELD = "README.md#card-template"
#: Below the default ``minConfidence`` cut-off of the evaluation: kept, not asserted.
CONF_CONTRADICTED = 0.3


def reconcile(
    declared: list[Claim], stated: list[Claim]
) -> tuple[list[Claim], list[Claim], list[str]]:
    """One set of parent claims from the metadata and the text, with conflicts flagged.

    - The text naming a declared base again is more evidence for the same edge: it takes
      the declared relation (a TRL card says "fine-tuned version of" for an adapter).
    - Duplicate text claims for one parent keep only the strongest relation's evidence.
    - Quantizer and converter cards often copy the original's front matter: when the text
      says which model the weights were converted from and the declared base is another
      model, both claims stay, the declared one with a confidence below the cut-off and a
      detail saying so; the walk follows the parent the text names.
    """
    warnings: list[str] = []
    bases = [c for c in declared if c.rel in MODEL_LINEAGE]
    declared_rel = {c.target.lower(): c.rel for c in bases if c.from_tag} | {
        c.target.lower(): c.rel for c in bases if not c.from_tag and c.target.lower()
    }
    converted = {
        c.target.lower()
        for c in stated
        if c.evidence.field == TEMPLATE_FIELD and c.rel is Rel.QUANTIZED_FROM
    }
    out_stated: list[Claim] = []
    for c in stated:
        rel = declared_rel.get(c.target.lower())
        if rel is not None and c.rel in MODEL_LINEAGE and rel is not c.rel:
            c = replace(c, rel=rel, detail=f"{c.detail}; relation as declared")
        out_stated.append(c)
    out_declared = list(declared)
    if converted and bases and not {c.target.lower() for c in bases} & converted:
        parent = sorted(converted)[0]
        out_declared = []
        for c in declared:
            if c.rel in MODEL_LINEAGE:
                ev = replace(c.evidence, confidence=CONF_CONTRADICTED)
                note = f"contradicted: the card's text says it was converted from {parent}"
                c = replace(c, evidence=ev, detail=f"{c.detail}; {note}" if c.detail else note)
            out_declared.append(c)
        warnings.append(
            f"declared base {', '.join(sorted({b.target for b in bases}))} conflicts with the "
            f"parent the card's text names ({parent}); the declared claim is kept at "
            f"confidence {CONF_CONTRADICTED}"
        )
    return out_declared, out_stated, warnings


def _sentence_claims(
    m: HfModel,
    sentences: list[prose.Sentence],
    card_links: list[str],
    rel: Rel,
    max_confidence: float,
    role: str,
) -> list[Claim]:
    """Claims from sentences whose subject names this model and whose object resolves."""
    repo_name = m.id.split("/")[-1]
    claims = []
    for s in sentences:
        if not _mentions(s.subject, repo_name):
            continue
        target, confidence, how = _resolve_name(
            s.object_name, s.object_link, s.links, card_links, m.author
        )
        key = _model_key(target) if target else None
        if key is None or key == keys.hf_model(m.id):
            continue
        evidence = Evidence(
            "README.md#prose", s.text, Method.INFERRED, min(confidence, max_confidence)
        )
        claims.append(
            Claim(rel, key, evidence, detail=f"{role}'{s.object_name}' resolved by {how}")
        )
    return claims


def dataset_claims(m: HfModel) -> list[Claim]:
    claims = []
    for raw in _strings(m.card_data.get("datasets")):
        try:
            claims.append(
                Claim(Rel.TRAINED_ON, keys.hf_dataset(raw), Evidence("cardData.datasets", raw))
            )
        except keys.KeyError_:
            continue
    for tag in m.tags:
        if tag.startswith("dataset:"):
            try:
                key = keys.hf_dataset(tag.removeprefix("dataset:"))
            except keys.KeyError_:
                continue
            claims.append(Claim(Rel.TRAINED_ON, key, Evidence("tags", tag), from_tag=True))
    return claims


def prose_dataset_claims(body: str) -> list[Claim]:
    """Hub datasets a training sentence of the card links or names (inferred)."""
    claims = []
    for link in links.training_datasets(body):
        try:
            key = keys.hf_dataset(link.target)
        except keys.KeyError_:
            continue
        claims.append(
            Claim(
                Rel.TRAINED_ON,
                key,
                Evidence("README.md#prose", link.snippet, Method.INFERRED, link.confidence),
                detail=link.how,
            )
        )
    return claims


def _foreign_front_matter(declared: list[Claim], stated: list[Claim]) -> bool:
    """The declared bases share no name part with the parent the text names."""

    def parts(claims: list[Claim]) -> set[str]:
        out: set[str] = set()
        for c in claims:
            if c.rel in MODEL_LINEAGE:
                name = c.target.split("/")[-1].lower()
                out |= {p for p in re.split(r"[^a-z]+", name) if len(p) >= 4}
        return out

    text_parts = parts([c for c in stated if c.evidence.field == TEMPLATE_FIELD])
    return bool(text_parts) and not parts(declared) & text_parts


@dataclass(frozen=True)
class CardClaims:
    """A model's claims, extracted once; everything downstream uses this one result.

    From the metadata (tags, card YAML) first; once the README is read, from its body
    (the card without its front matter) too -- the one text prose is read from. The
    source asks ``declares_base`` whether to read the README and ``to_resolve`` what to
    ask the Hub; ``map_model`` maps the same claims.
    """

    model_id: str
    declared: tuple[Claim, ...]  # tags and cardData.base_model
    datasets: tuple[Claim, ...]
    card: Card | None = None
    body: str = ""  # the README without its front matter ("" when not read)
    prose: tuple[Claim, ...] = ()
    prose_datasets: tuple[Claim, ...] = ()  # Hub datasets a training sentence links or names
    warnings: tuple[str, ...] = ()

    @property
    def declares_base(self) -> bool:
        """Does the metadata name a base model (``cardData.base_model`` or a ``base_model:`` tag)?"""
        me = keys.hf_model(self.model_id).lower()
        return any(c.target.lower() != me for c in self.declared)

    def to_resolve(self) -> set[str]:
        """Keys whose canonical id the source asks the Hub for.

        Model ids from tags are canonical (the Hub writes them); dataset tags are not always:
        a dataset renamed after the card was written keeps its old id in the tag.
        """
        claims = self.declared + self.datasets + self.prose + self.prose_datasets
        tagged = {c.target for c in claims if c.from_tag and c.rel is not Rel.TRAINED_ON}
        return {c.target for c in claims if not c.from_tag or c.rel is Rel.TRAINED_ON} - tagged

    def with_card(self, m: HfModel, card: Card | None) -> CardClaims:
        """These claims plus the README's: its body is read once, here."""
        if card is None:
            return self
        warnings: tuple[str, ...] = ()
        try:
            _, body = prose.split_front_matter(card.text)
        except prose.CardError as exc:
            warnings = (f"{m.id}: README front matter unreadable ({exc}); prose still read",)
            body = card.text
        found = tuple(prose_claims(m, body)) if body else ()
        datasets = tuple(prose_dataset_claims(body)) if body else ()
        return replace(
            self, card=card, body=body, prose=found, prose_datasets=datasets, warnings=warnings
        )


def extract_claims(m: HfModel, card: Card | None = None) -> CardClaims:
    """The claims of ``m`` (and of its README, when given)."""
    claims = CardClaims(m.id, tuple(declared_claims(m)), tuple(dataset_claims(m)))
    return claims.with_card(m, card)


# --- records -------------------------------------------------------------------------------
def _licence_edges(
    start: str, card: Mapping[str, object], tags: tuple[str, ...], prov: Provenance
) -> tuple[list[EdgeRecord], str | None]:
    """LICENSED_UNDER from the card's ``license`` and from ``license:`` tags, one edge each.

    ``other`` means the card names its licence in ``license_name``.
    """
    name = card.get("license_name")
    link = card.get("license_link")
    detail = f"license_link: {link}" if isinstance(link, str) else None
    claims = [("cardData.license", value, value) for value in _strings(card.get("license"))]
    claims += [
        ("tags", tag, tag.removeprefix("license:")) for tag in tags if tag.startswith("license:")
    ]
    edges: list[EdgeRecord] = []
    for field_path, evidence, ident in claims:
        if ident == "other" and isinstance(name, str):
            ident = name
        edges.append(
            EdgeRecord(
                Rel.LICENSED_UNDER,
                start,
                keys.license_(ident),
                prov,
                Evidence(field_path, evidence),
                detail,
                end_name=ident,
            )
        )
    primary = edges[0].end_name if edges else None
    return edges, primary


def map_model(
    m: HfModel, found: CardClaims, canonical: Mapping[str, str], prov: Provenance, site: str
) -> Mapped:
    """Records for one model. ``canonical`` maps keys named in YAML/prose to the Hub's keys."""
    out = Mapped(warnings=list(found.warnings))
    me = keys.hf_model(m.id)
    card, body = found.card, found.body
    card_prov = (
        Provenance(prov.source, card.url, card.revision, prov.fetched_at, prov.run_id)
        if card
        else prov
    )

    declared, prose_found, conflicts = reconcile(list(found.declared), list(found.prose))
    out.warnings += [f"{m.id}: {w}" for w in conflicts]
    datasets = list(found.datasets)
    if conflicts and _foreign_front_matter(declared, prose_found):
        # The front matter describes another model: its datasets are not this model's.
        datasets = [
            replace(
                c,
                evidence=replace(c.evidence, confidence=CONF_CONTRADICTED),
                detail="front matter of another model (its base conflicts with the text)",
            )
            for c in datasets
        ]
    model_targets = {c.target.split(":", 2)[-1].lower() for c in declared + prose_found}
    datasets += [
        c for c in found.prose_datasets if c.target.split(":", 2)[-1].lower() not in model_targets
    ]
    claims = declared + datasets
    licence_edges, licence = _licence_edges(me, m.card_data, m.tags, prov)

    props: dict[str, PropValue] = {
        "author": m.author,
        "pipeline_tag": m.pipeline_tag,
        "library_name": m.library_name,
        "gated": m.gated,
        "downloads": m.downloads,
        "likes": m.likes,
        "created_at": m.created_at,
        "last_modified": m.last_modified,
        "architectures": list(m.architectures),
        "model_type": m.model_type,
        "license": licence,
        "new_version": m.card_data.get("new_version")
        if isinstance(m.card_data.get("new_version"), str)
        else None,
        "page": f"{site}/{m.id}",
    }
    out.batch.nodes.append(
        NodeRecord(me, Label.MODEL, m.id, {k: v for k, v in props.items() if v is not None}, prov)
    )
    # A YAML base_model without a stated relation takes the relation the Hub's tag
    # gives the same (canonical) model.
    tag_rel = {c.target: c.rel for c in claims if c.from_tag and c.rel is not Rel.DERIVED_FROM}
    for claim in claims + prose_found:
        target = canonical.get(claim.target, claim.target)
        if claim.evidence.field == "cardData.base_model" and claim.detail is None:
            claim = replace(claim, rel=tag_rel.get(target, claim.rel))
        if target == me:
            out.warnings.append(
                f"{m.id}: names itself as {claim.rel.value} ({claim.evidence.field}); ignored"
            )
            continue
        detail = claim.detail
        if target != claim.target:
            detail = (
                f"{detail + '; ' if detail else ''}renamed on the Hub to {keys.parse(target).name}"
            )
        claim_prov = card_prov if claim.evidence.field.startswith("README") else prov
        out.batch.edges.append(
            EdgeRecord(
                claim.rel,
                me,
                target,
                claim_prov,
                claim.evidence,
                detail,
                end_name=keys.parse(target).name,
            )
        )
        out.follow.append(Follow(target, claim.rel))
    out.batch.edges.extend(licence_edges)
    if m.author:
        org = keys.hf_org(m.author)
        out.batch.edges.append(
            EdgeRecord(
                Rel.PUBLISHED_BY, me, org, prov, Evidence("author", m.author), end_name=m.author
            )
        )
    for tag in m.tags:
        if tag.startswith("arxiv:"):
            try:
                paper = keys.arxiv(tag.removeprefix("arxiv:"))
            except keys.KeyError_:
                continue
            out.batch.edges.append(
                EdgeRecord(
                    Rel.MENTIONS_PAPER,
                    me,
                    paper,
                    prov,
                    Evidence("tags", tag),
                    "a paper linked from the card",
                )
            )
            out.follow.append(Follow(paper, Rel.MENTIONS_PAPER))
    used = _library_edges(m, body, me, prov, card_prov, out)
    if body:
        _paper_and_code_edges(m, body, me, card_prov, out, used)
    return out


def _library_edges(
    m: HfModel, body: str, me: str, prov: Provenance, card_prov: Provenance, out: Mapped
) -> set[str]:
    """USES_LIBRARY from ``library_name``, library tags and the card's text; returns names."""
    found: list[tuple[str, Evidence, str | None, Provenance]] = []
    name = m.library_name or ""
    library = LIBRARY_PACKAGES.get(name) or (
        libs.package(name) if name.lower() in libs.LIBRARY_TAGS else None
    )
    if library:
        found.append((library, Evidence("library_name", name), None, prov))
    # the author's own tags (cardData.tags): the Hub adds framework tags (pytorch, jax) for
    # weight files, which say which formats are stored, not what the model was made with
    for package, tag in libs.tag_libraries(tuple(_strings(m.card_data.get("tags"))), name):
        found.append((package, Evidence("cardData.tags", tag), None, prov))
    for c in libs.card_libraries(body) if body else []:
        detail = f"{c.constraint or '=='}{c.version}" if c.version else None
        evidence = Evidence(c.field, c.snippet, Method.INFERRED, c.confidence)
        found.append((c.package, evidence, detail, card_prov))
    for t in links.tool_links(body, m.id) if body else []:
        evidence = Evidence("README.md#tool-link", t.snippet, Method.INFERRED, libs.CONF_TOOL_LINK)
        found.append((libs.package(t.name), evidence, f"github.com/{t.repo}", card_prov))
    names: set[str] = set()
    for package, evidence, detail, where in found:
        try:
            pkg = keys.pypi(package)
        except keys.KeyError_:
            continue
        names.add(pkg.removeprefix("pypi:").replace("-", ""))
        out.batch.edges.append(
            EdgeRecord(Rel.USES_LIBRARY, me, pkg, where, evidence, detail, end_name=package)
        )
        out.follow.append(Follow(pkg, Rel.USES_LIBRARY))
    return names


def _paper_and_code_edges(
    m: HfModel, body: str, me: str, prov: Provenance, out: Mapped, libraries: set[str]
) -> None:
    own_family = prose.family(m.id.split("/")[-1])
    first = prose.normalise(m.id.split("/")[-1].split("-")[0])
    # "Qwen3" names its family alone; "gemma" does not (Gemma 2 is not Gemma 3's paper)
    families = {own_family} | ({first} if re.search(r"\d", first) and len(first) >= 4 else set())
    own_papers: set[str] = set()
    for entry in prose.bibtex_papers(body):
        paper = keys.arxiv(entry.arxiv_id)
        title = prose.normalise(entry.title)
        own = any(f and f in title for f in families)
        rel = Rel.DESCRIBED_BY if own else Rel.MENTIONS_PAPER
        confidence = CONF_BIBTEX_OWN if own else CONF_BIBTEX_OTHER
        detail = "the card's citation names this model's family" if own else "cited in the card"
        if own:
            own_papers.add(paper)
        out.batch.edges.append(
            EdgeRecord(
                rel,
                me,
                paper,
                prov,
                Evidence("README.md#citation", entry.snippet, Method.INFERRED, confidence),
                detail,
                end_name=entry.title or None,
            )
        )
        out.follow.append(Follow(paper, rel))
    for link in links.own_papers(body):
        paper = keys.arxiv(link.target)
        if paper in own_papers:
            continue
        own_papers.add(paper)
        out.batch.edges.append(
            EdgeRecord(
                Rel.DESCRIBED_BY,
                me,
                paper,
                prov,
                Evidence("README.md#paper-link", link.snippet, Method.INFERRED, link.confidence),
                link.how,
            )
        )
        out.follow.append(Follow(paper, Rel.DESCRIBED_BY))
    for code in links.own_code(m.id, m.author, body, libraries):
        try:
            key = keys.github(code.target)
        except keys.KeyError_:
            continue
        out.batch.edges.append(
            EdgeRecord(
                Rel.HAS_CODE,
                me,
                key,
                prov,
                Evidence("README.md#link", code.snippet, Method.INFERRED, code.confidence),
                code.how,
                end_name=code.target,
            )
        )
        out.follow.append(Follow(key, Rel.HAS_CODE))


def map_dataset(d: HfDataset, prov: Provenance, site: str) -> Mapped:
    out = Mapped()
    me = keys.hf_dataset(d.id)
    licence_edges, licence = _licence_edges(me, d.card_data, d.tags, prov)
    props: dict[str, PropValue] = {
        "author": d.author,
        "last_modified": d.last_modified,
        "license": licence,
        "page": f"{site}/datasets/{d.id}",
    }
    out.batch.nodes.append(
        NodeRecord(me, Label.DATASET, d.id, {k: v for k, v in props.items() if v is not None}, prov)
    )
    out.batch.edges.extend(licence_edges)
    if d.author:
        out.batch.edges.append(
            EdgeRecord(
                Rel.PUBLISHED_BY,
                me,
                keys.hf_org(d.author),
                prov,
                Evidence("author", d.author),
                end_name=d.author,
            )
        )
    return out
