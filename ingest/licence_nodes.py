"""License nodes that say what they are: SPDX id or LicenseRef, name and class.

Every source that points a LICENSED_UNDER edge at a licence key also writes the licence
node itself, normalised by ``schema.licences``. The node's properties depend only on
its key (the same whichever model named it first, so a re-run equals a clean run); what
one source said about it (the Hub's ``license_link``, the raw value) stays on the edge.
Its provenance is the licence table (``source: licences``, revision: the table version).
"""

from __future__ import annotations

from ingest.records import EdgeRecord, NodeRecord, PropValue, Provenance
from schema import licences
from schema.vocabulary import Label, Rel

SOURCE = "licences"


def licence_node(key: str, given: str, fetched: Provenance) -> NodeRecord:
    """The node for licence ``key``, which a source named ``given`` (``mit``, ``qwen-research``)."""
    found = licences.normalise(given)
    props: dict[str, PropValue] = {
        "licence_id": found.id,
        "licence_class": found.cls.value,
        "licence_known": found.known,
        "given_id": given,
    }
    if found.url:
        props["licence_url"] = found.url
    prov = Provenance(
        SOURCE,
        found.url or key,
        licences.table().version,
        fetched.fetched_at,
        fetched.run_id,
    )
    return NodeRecord(key, Label.LICENSE, found.name, props, prov)


def licence_nodes(edges: list[EdgeRecord]) -> list[NodeRecord]:
    """One node per licence the LICENSED_UNDER edges among ``edges`` point at."""
    nodes: dict[str, NodeRecord] = {}
    for edge in edges:
        if edge.rel is Rel.LICENSED_UNDER and edge.end not in nodes:
            given = edge.end.removeprefix("license:")  # from the key: the same for every source
            nodes[edge.end] = licence_node(edge.end, given, edge.provenance)
    return list(nodes.values())
