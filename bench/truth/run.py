"""One evaluation: recordings from the corpus, a scratch graph, the ingest, the score."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench import database as scratch
from bench.truth import deepseek
from bench.truth.labels import Labels, load_corpus
from bench.truth.score import Result, read_edges, score
from ingest.crawl import Limits
from ingest.job import IngestRequest, run_ingest
from ingest.replay.from_captures import make_recordings
from ingest.runs import RunReport
from schema import keys
from shoulders import db
from shoulders.settings import BUNDLED_RECORDINGS, Settings

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"


@dataclass
class Evaluation:
    corpus: Path
    labels: list[Labels]
    result: Result
    report: RunReport
    deepseek: deepseek.DeepSeekResult | None
    deepseek_report: RunReport | None
    command: str


def evaluate(
    settings: Settings,
    corpus: Path,
    workdir: Path,
    command: str,
    only: list[str] | None = None,
    with_deepseek: bool = True,
) -> Evaluation:
    """Ingest the corpus (and the DeepSeek recordings) into an empty graph and score it.

    The database is wiped first: it must be empty or one this benchmark marked as its own.
    """
    labels = load_corpus(corpus)
    if only:
        labels = [lab for lab in labels if lab.model in only or lab.folder.name in only]
    recordings = workdir / "recordings"
    make_recordings(corpus, recordings)
    # Every card is read (the default, `always`): the evaluation measures what cards say.
    settings = settings.model_copy(update={"hf_readme": "always"})
    scratch.reset(settings)
    seeds = [keys.hf_model(lab.model) for lab in labels]
    # depth 0: the corpus models themselves; their bases and datasets are not in the corpus
    # (names are still checked against the Hub's answers where a capture exists).
    request = IngestRequest(
        seeds=seeds, limits=Limits(depth=0), replay=recordings, sources=frozenset({"hf"})
    )
    report = run_ingest(settings, request)
    with db.driver(settings) as driver:
        edges = read_edges(driver, settings.neo4j_database, seeds)
    result = score(labels, edges)
    ds_result = ds_report = None
    if with_deepseek:
        scratch.reset(settings)
        ds_report = run_ingest(
            settings,
            IngestRequest(
                seeds=deepseek.SEEDS, replay=BUNDLED_RECORDINGS, sources=frozenset({"hf"})
            ),
        )
        with db.driver(settings) as driver:
            ds_result = deepseek.check(driver, settings.neo4j_database)
    # The graph stays (marked as the benchmark's) for a look in the browser; the next run wipes it.
    return Evaluation(corpus, labels, result, report, ds_result, ds_report, command)
