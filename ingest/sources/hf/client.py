"""Hugging Face Hub calls: huggingface_hub's HfApi for metadata, the resolver for cards.

``HfApi.model_info`` never retries a 429 and ``list_models`` (1.x) not on its first
page, so every call goes through the project's HTTP layer (limits, retries that
honour ``RateLimit``/``Retry-After``, counting). Cards come from the resolver
(``/{repo}/resolve/{sha}/README.md``): the Hub's quota for resolver calls is larger
than for API calls, and a card at a commit sha never changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx
from huggingface_hub import DatasetInfo, HfApi, ModelInfo
from huggingface_hub.errors import HfHubHTTPError

from ingest.http import HttpClient, NotFound, ServicePolicy, UpstreamError
from ingest.sources.hf.payloads import Card, HfDataset, HfModel
from shoulders.settings import Settings

SERVICE = "hf"
#: What the author listing asks for: everything the mapper reads, in one call.
LISTING_EXPAND = [
    "author",
    "sha",
    "lastModified",
    "createdAt",
    "cardData",
    "tags",
    "library_name",
    "pipeline_tag",
    "gated",
    "downloads",
    "likes",
    "config",
]


def policy(settings: Settings) -> ServicePolicy:
    token = settings.hf_token.get_secret_value() if settings.hf_token else None
    return ServicePolicy(
        name=SERVICE,
        base_url=settings.hf_endpoint.rstrip("/"),
        auth_header=("Authorization", f"Bearer {token}") if token else None,
    )


def describe(exc: BaseException) -> tuple[int, Mapping[str, str]] | None:
    """huggingface_hub's HTTP errors -> (status, headers) for the HTTP layer."""
    if isinstance(exc, HfHubHTTPError) and exc.response is not None:
        return exc.response.status_code, dict(exc.response.headers)
    return None


class HfClient:
    def __init__(self, settings: Settings, http: HttpClient) -> None:
        self.endpoint = settings.hf_endpoint.rstrip("/")
        self.timeout = settings.http_timeout
        token = settings.hf_token.get_secret_value() if settings.hf_token else None
        self.http = http
        self.api = HfApi(
            endpoint=self.endpoint,
            token=token or False,  # False: never pick up a token from a local login
            library_name="shoulders",
            user_agent=settings.user_agent,
        )

    def model_url(self, repo_id: str) -> str:
        return f"{self.endpoint}/api/models/{repo_id}"

    def dataset_url(self, repo_id: str) -> str:
        return f"{self.endpoint}/api/datasets/{repo_id}"

    def model(self, repo_id: str) -> HfModel:
        with _malformed(self.model_url(repo_id)):
            return HfModel.from_info(self._model_info(repo_id))

    def _model_info(self, repo_id: str) -> ModelInfo:
        return self.http.call(
            SERVICE,
            lambda: self.api.model_info(repo_id, timeout=self.timeout),
            describe,
            self.model_url(repo_id),
        )

    def dataset(self, repo_id: str) -> HfDataset:
        with _malformed(self.dataset_url(repo_id)):
            return HfDataset.from_info(self._dataset_info(repo_id))

    def _dataset_info(self, repo_id: str) -> DatasetInfo:
        return self.http.call(
            SERVICE,
            lambda: self.api.dataset_info(repo_id, timeout=self.timeout),
            describe,
            self.dataset_url(repo_id),
        )

    def author_models(self, author: str) -> Iterator[HfModel]:
        """Every model of ``author`` from the listing endpoint, one request per page.

        Pages are fetched through the HTTP layer (so each page is retried and
        counted) and parsed with huggingface_hub's own ``ModelInfo``, as
        ``HfApi.list_models`` does; the next page is the ``Link: rel="next"`` URL.
        """
        url: str | None = "/api/models"
        params: httpx.QueryParams | None = httpx.QueryParams(
            {"author": author, "expand": LISTING_EXPAND}
        )
        while url:
            response = self.http.request(SERVICE, "GET", url, params=params)
            try:
                items = response.json()
            except ValueError as exc:
                raise UpstreamError(f"malformed listing page for {author}: {exc}") from exc
            if not isinstance(items, list):
                raise UpstreamError(f"listing for {author} is not a JSON array")
            for item in items:
                with _malformed(str(response.request.url)):
                    model = HfModel.from_info(ModelInfo(**item))  # type: ignore[no-untyped-call]
                yield model
            url = response.links.get("next", {}).get("url")
            params = None  # the next URL carries the query

    def card(self, repo_id: str, revision: str | None, kind: str = "model") -> Card | None:
        """The README at ``revision``; None when the repo has none."""
        prefix = "" if kind == "model" else "datasets/"
        path = f"/{prefix}{repo_id}/resolve/{revision or 'main'}/README.md"
        try:
            response = self.http.request(SERVICE, "GET", path, conditional=True)
        except NotFound:
            return None
        # Cards are UTF-8; undecodable bytes become U+FFFD instead of failing the model.
        text = response.content.decode("utf-8", errors="replace")
        return Card(text=text, url=self.endpoint + path, revision=revision)


@contextmanager
def _malformed(url: str) -> Iterator[None]:
    """A body in the wrong shape fails that one item with a clear reason."""
    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UpstreamError(f"malformed response from {url}: {type(exc).__name__}: {exc}") from exc
