"""The Hugging Face source: models and datasets, with lineage from tags, YAML and prose."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import ClassVar

from ingest.crawl import upstream_follows
from ingest.http import AccessDenied, HttpError, ServicePolicy
from ingest.sources.base import FetchResult, RunContext
from ingest.sources.hf import client as hf_client
from ingest.sources.hf.client import HfClient
from ingest.sources.hf.mapper import (
    declares_base,
    map_dataset,
    map_model,
    targets_to_resolve,
)
from ingest.sources.hf.payloads import Card, HfDataset, HfModel
from schema import keys
from shoulders.settings import Settings

SOURCE = "hf"
LISTING_CHUNK = 100
#: Cards past this many characters are read only that far: real cards are tens of kB, and
#: a runaway README must not hold the crawl (the prose patterns run over every line).
MAX_CARD_CHARS = 1_000_000


class HfSource:
    name: ClassVar[str] = SOURCE
    prefixes: ClassVar[tuple[str, ...]] = ("hf:model:", "hf:dataset:")
    batch_size: ClassVar[int] = 25

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: HfClient | None = None
        # Per run: answers the Hub gave while resolving names, kept until the crawler
        # asks for that entity, so each entity costs one request per run at most.
        self._answers: dict[str, HfModel | HfDataset | HttpError] = {}
        # Keys already fetched this run -> their canonical key, so resolving a name the
        # crawl has already fetched costs no second request.
        self._known: dict[str, str] = {}
        # Canonical key -> the (old) id the Hub was asked for, when resolving a name hit a rename.
        self._asked: dict[str, str] = {}

    def policy(self) -> ServicePolicy:
        return hf_client.policy(self.settings)

    def client(self, ctx: RunContext) -> HfClient:
        if self._client is None:
            self._client = HfClient(self.settings, ctx.http)
        return self._client

    # --- crawl ------------------------------------------------------------------------
    def fetch(self, keys_: Sequence[str], ctx: RunContext) -> Iterator[FetchResult]:
        for key in keys_:
            yield self._fetch(key, ctx)

    def list_author(self, author: str, ctx: RunContext) -> Iterator[FetchResult]:
        """Every model of an author from the listing, which already carries the metadata."""
        chunk: list[HfModel] = []
        for model in self.client(ctx).author_models(author):
            chunk.append(model)
            if len(chunk) >= LISTING_CHUNK:
                yield from self._map_listed(chunk, ctx)
                chunk = []
        yield from self._map_listed(chunk, ctx)

    def _map_listed(self, models: list[HfModel], ctx: RunContext) -> Iterator[FetchResult]:
        ctx.prefetch([keys.hf_model(m.id) for m in models])
        for model in models:
            yield self._from_model(model, ctx)

    def _fetch(self, key: str, ctx: RunContext) -> FetchResult:
        is_dataset = key.startswith("hf:dataset:")
        self.client(ctx)
        answer = self._lookup(key)
        if isinstance(answer, HttpError):
            self._known[key.lower()] = key  # asking again would fail again
            return FetchResult(key, error=str(answer), source=SOURCE)
        # the id actually sent to the Hub: a name resolved earlier may have been asked for
        # under its old id, and the Hub answered with the new one
        asked = self._asked.pop(key.lower(), key.split(":", 2)[2])
        result = (
            self._from_dataset(answer, ctx, asked)  # type: ignore[arg-type]
            if is_dataset
            else self._from_model(answer, ctx, asked)  # type: ignore[arg-type]
        )
        self._known[key.lower()] = result.key
        if result.key != key:
            result.requested = key
        return result

    def _lookup(self, key: str) -> HfModel | HfDataset | HttpError:
        cached = self._answers.pop(key.lower(), None)
        if cached is not None:
            return cached
        repo_id = key.split(":", 2)[2]
        try:
            if key.startswith("hf:dataset:"):
                return self._require_client().dataset(repo_id)
            return self._require_client().model(repo_id)
        except HttpError as exc:
            return exc

    def _require_client(self) -> HfClient:
        if self._client is None:
            raise RuntimeError("HfSource used before a run context gave it an HTTP client")
        return self._client

    def _canonical(self, key: str) -> str:
        """The key the Hub answers for ``key`` (renamed repos answer with their new id)."""
        if key.lower() in self._known:
            return self._known[key.lower()]
        answer = self._lookup(key)
        self._answers[key.lower()] = answer  # the crawler will ask for it again
        if isinstance(answer, HttpError):
            return key
        canonical = (
            keys.hf_dataset(answer.id)
            if key.startswith("hf:dataset:")
            else keys.hf_model(answer.id)
        )
        self._answers[canonical.lower()] = answer
        if canonical.lower() != key.lower():
            self._asked[canonical.lower()] = key.split(":", 2)[2]
        return canonical

    def _from_model(self, model: HfModel, ctx: RunContext, asked: str | None = None) -> FetchResult:
        client = self.client(ctx)
        key = keys.hf_model(model.id)
        self._known[key.lower()] = key
        renamed = asked is not None and asked.lower() != model.id.lower()
        if renamed:
            ctx.prefetch([key])  # freshness lives under the canonical key, not the old one
        stored = ctx.stored(key)
        if ctx.is_fresh(stored, model.sha):
            return FetchResult(key, skipped=True, follow=upstream_follows(stored), source=SOURCE)
        warnings: list[str] = []
        card: Card | None = None
        if not self._reads_readme(model):
            counts = {"readme_skipped": 1}
        else:
            counts = {"readme_read": 1}
            try:
                card = client.card(model.id, model.sha)
            except AccessDenied as exc:
                warnings.append(f"{model.id}: card not readable ({exc}); metadata only")
            except HttpError as exc:
                return FetchResult(key, error=f"model card: {exc}", source=SOURCE, counts=counts)
        if card is not None and len(card.text) > MAX_CARD_CHARS:
            warnings.append(
                f"{model.id}: README.md has {len(card.text):,} characters; "
                f"only the first {MAX_CARD_CHARS:,} were read"
            )
            card = replace(card, text=card.text[:MAX_CARD_CHARS])
        body = card.text if card else None
        canonical = {t: self._canonical(t) for t in sorted(targets_to_resolve(model, body))}
        # the URL that was requested: a renamed repo answered under its old id
        prov = ctx.provenance(SOURCE, client.model_url(asked or model.id), model.sha)
        mapped = map_model(model, card, canonical, prov, client.endpoint)
        return FetchResult(
            key,
            mapped.batch,
            mapped.follow,
            source=SOURCE,
            warnings=warnings + mapped.warnings,
            counts=counts,
        )

    def _reads_readme(self, model: HfModel) -> bool:
        # `unexplained`: a declared base explains the lineage; the README would add prose
        # evidence, papers and code links at the price of one request per model.
        return self.settings.hf_readme == "always" or not declares_base(model)

    def _from_dataset(
        self, dataset: HfDataset, ctx: RunContext, asked: str | None = None
    ) -> FetchResult:
        client = self.client(ctx)
        key = keys.hf_dataset(dataset.id)
        self._known[key.lower()] = key
        if asked is not None and asked.lower() != dataset.id.lower():
            ctx.prefetch([key])  # freshness lives under the canonical key, not the old one
        stored = ctx.stored(key)
        if ctx.is_fresh(stored, dataset.sha):
            return FetchResult(key, skipped=True, follow=upstream_follows(stored), source=SOURCE)
        prov = ctx.provenance(SOURCE, client.dataset_url(asked or dataset.id), dataset.sha)
        mapped = map_dataset(dataset, prov, client.endpoint)
        return FetchResult(
            key, mapped.batch, mapped.follow, source=SOURCE, warnings=mapped.warnings
        )
