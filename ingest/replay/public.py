"""Under ``--replay``, store the public URL a request stands for, never the loopback one.

A replayed request to ``http://127.0.0.1:PORT/hf/api/models/x`` stands for
``https://huggingface.co/api/models/x``: the graph keeps the second, so its ``url``,
``page`` and evidence say where the fact lives on the web, whatever served it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ingest.records import EdgeRecord, PropValue, Provenance, RecordBatch
from shoulders.settings import Settings


def public_prefixes(public: Settings, replayed: Settings) -> dict[str, str]:
    """Loopback URL prefix -> the public prefix it stands for, longest first."""
    pairs = {
        replayed.hf_endpoint.rstrip("/"): public.hf_endpoint.rstrip("/"),
        replayed.arxiv_endpoint.rstrip("/"): public.arxiv_endpoint.rstrip("/"),
        replayed.s2_endpoint.rstrip("/"): public.s2_endpoint.rstrip("/"),
        replayed.github_endpoint.rstrip("/"): public.github_endpoint.rstrip("/"),
        replayed.pypi_endpoint.rstrip("/"): public.pypi_endpoint.rstrip("/"),
    }
    mapping = {k: v for k, v in pairs.items() if k != v}
    return dict(sorted(mapping.items(), key=lambda kv: -len(kv[0])))


class PublicUrls:
    """Rewrites every URL a source wrote while talking to the replay server."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = dict(prefixes)

    def url(self, text: str) -> str:
        for loopback, public in self.prefixes.items():
            if loopback in text:
                text = text.replace(loopback, public)
        return text

    def _value(self, value: PropValue) -> PropValue:
        if isinstance(value, str):
            return self.url(value)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [self.url(str(v)) for v in value]
        return value

    def _prov(self, prov: Provenance | None) -> Provenance | None:
        return None if prov is None else replace(prov, url=self.url(prov.url))

    def batch(self, batch: RecordBatch) -> RecordBatch:
        if not self.prefixes:
            return batch
        nodes = [
            replace(
                n,
                props={k: self._value(v) for k, v in n.props.items()},
                provenance=self._prov(n.provenance),
                reason=self.url(n.reason) if n.reason else n.reason,
            )
            for n in batch.nodes
        ]
        edges: list[EdgeRecord] = [
            replace(
                e,
                provenance=replace(e.provenance, url=self.url(e.provenance.url)),
                evidence=replace(e.evidence, value=self.url(e.evidence.value)),
                detail=self.url(e.detail) if e.detail else e.detail,
            )
            for e in batch.edges
        ]
        return RecordBatch(nodes=nodes, edges=edges)
