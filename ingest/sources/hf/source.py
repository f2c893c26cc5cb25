"""The Hugging Face source: models and datasets, with lineage from tags, YAML and prose."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import ClassVar

from ingest.http import AccessDenied, HttpClient, HttpError, ServicePolicy
from ingest.sources.base import FetchResult, Head, Source, Stamp
from ingest.sources.hf import client as hf_client
from ingest.sources.hf.client import HfClient
from ingest.sources.hf.mapper import CardClaims, extract_claims, map_dataset, map_model
from ingest.sources.hf.payloads import Card, HfDataset, HfModel
from schema import keys
from shoulders.settings import HfReadme, Settings

SOURCE = "hf"
#: Cards past this many characters are read only that far: real cards are tens of kB, and
#: a runaway README must not hold the crawl (the prose patterns run over every line).
MAX_CARD_CHARS = 1_000_000


def reads_readme(policy: HfReadme, claims: CardClaims) -> bool:
    """Is the README worth its request? The one rule for the seed crawl and the daily refresh.

    ``unexplained``: a declared base explains the lineage; the README would add prose
    evidence, papers and code links at the price of one request per model.
    """
    return policy == "always" or not claims.declares_base


class HfSource(Source):
    name: ClassVar[str] = SOURCE
    prefixes: ClassVar[tuple[str, ...]] = ("hf:model:", "hf:dataset:")
    listings: ClassVar[tuple[str, ...]] = ("hf-author:",)
    batch_size: ClassVar[int] = 25

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: HfClient | None = None
        # Per run: answers the Hub gave while resolving names, kept until the crawler
        # asks for that entity, so each entity costs one request per run at most.
        self._answers: dict[str, HfModel | HfDataset | HttpError] = {}
        # Keys already read this run -> their canonical key, so resolving a name the
        # crawl has already read costs no second request.
        self._known: dict[str, str] = {}

    def policy(self) -> ServicePolicy:
        return hf_client.policy(self.settings)

    def client(self, http: HttpClient) -> HfClient:
        if self._client is None:
            self._client = HfClient(self.settings, http)
        return self._client

    # --- first read: the Hub's metadata ------------------------------------------------
    def heads(self, keys_: Sequence[str], http: HttpClient) -> Iterator[Head | FetchResult]:
        client = self.client(http)
        for key in keys_:
            if key.startswith(self.listings):
                # The listing already carries every model's metadata: no request per model.
                for model in client.author_models(keys.parse(key).id):
                    yield self._head(keys.hf_model(model.id), model, None)
                continue
            answer = self._lookup(key)
            if isinstance(answer, HttpError):
                self._known[key.lower()] = key  # asking again would fail again
                yield FetchResult(key, error=str(answer), source=SOURCE)
                continue
            canonical = (
                keys.hf_dataset(answer.id)
                if isinstance(answer, HfDataset)
                else keys.hf_model(answer.id)
            )
            self._known[key.lower()] = canonical
            if canonical != key:
                # Renamed: read the entity again under its canonical id, so the URL it is
                # stored with is one that was really asked, whichever name the crawl met first.
                again = self._lookup(canonical)
                answer = again if not isinstance(again, HttpError) else answer
            yield self._head(canonical, answer, key if canonical != key else None)

    def _head(self, key: str, payload: HfModel | HfDataset, requested: str | None) -> Head:
        self._known[key.lower()] = key
        return Head(key, payload.sha, payload, requested)

    def _lookup(self, key: str) -> HfModel | HfDataset | HttpError:
        cached = self._answers.pop(key.lower(), None)
        if cached is not None:
            return cached
        repo_id = keys.parse(key).id
        try:
            if key.startswith("hf:dataset:"):
                return self._require_client().dataset(repo_id)
            return self._require_client().model(repo_id)
        except HttpError as exc:
            return exc

    def _require_client(self) -> HfClient:
        if self._client is None:
            raise RuntimeError("HfSource used before heads() gave it an HTTP client")
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
        if canonical.lower() == key.lower():
            self._answers[canonical.lower()] = answer
        # A renamed repo's answer is not kept for its new key: the crawl reads it under that
        # key (one more request per rename), so the stored URL is the one really asked.
        return canonical

    # --- the rest: the model card, and the records ------------------------------------
    def complete(
        self, heads: Sequence[Head], stamp: Stamp, http: HttpClient
    ) -> Iterator[FetchResult]:
        client = self.client(http)
        for head in heads:
            if isinstance(head.payload, HfDataset):
                yield self._from_dataset(head.key, head.payload, client, stamp)
            elif isinstance(head.payload, HfModel):
                yield self._from_model(head.key, head.payload, client, stamp)
            else:
                raise TypeError(f"{head.key}: not a Hub payload: {type(head.payload).__name__}")

    def _from_model(self, key: str, model: HfModel, client: HfClient, stamp: Stamp) -> FetchResult:
        warnings: list[str] = []
        card: Card | None = None
        claims = extract_claims(model)  # once; the README's prose is added to it when read
        if not reads_readme(self.settings.hf_readme, claims):
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
        claims = claims.with_card(model, card)
        canonical = {t: self._canonical(t) for t in sorted(claims.to_resolve())}
        prov = stamp.provenance(SOURCE, client.model_url(model.id), model.sha)
        mapped = map_model(model, claims, canonical, prov, client.endpoint)
        return FetchResult(
            key,
            mapped.batch,
            mapped.follow,
            source=SOURCE,
            warnings=warnings + mapped.warnings,
            counts=counts,
        )

    def _from_dataset(
        self, key: str, dataset: HfDataset, client: HfClient, stamp: Stamp
    ) -> FetchResult:
        prov = stamp.provenance(SOURCE, client.dataset_url(dataset.id), dataset.sha)
        mapped = map_dataset(dataset, prov, client.endpoint)
        return FetchResult(
            key, mapped.batch, mapped.follow, source=SOURCE, warnings=mapped.warnings
        )
