"""docs/truth.md: the per-kind table, the targets, every miss with its evidence."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.truth.labels import KINDS
from bench.truth.run import Evaluation
from bench.truth.score import BANDS, MIN_CONFIDENCE, Tally

TITLE = "# Truth: lineage precision and recall on real model cards"
TARGETS = (
    ("declared recall", 1.0),
    ("prose recall", 0.9),
    ("precision", 0.98),
)


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _row(name: str, t: Tally) -> str:
    return f"| {name} | {t.tp} | {t.fp} | {t.fn} | {pct(t.precision)} | {pct(t.recall)} |"


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def headline(ev: Evaluation) -> dict[str, float | None]:
    r = ev.result
    return {
        "declared recall": r.total(scopes=("declared",)).recall,
        "prose recall": r.total(scopes=("prose",)).recall,
        "precision": r.total().precision,
    }


def summary(ev: Evaluation) -> dict[str, object]:
    """The figures of a run, for CI and for comparing runs."""
    r = ev.result
    return {
        "models": r.models,
        "declared_recall": headline(ev)["declared recall"],
        "prose_recall": headline(ev)["prose recall"],
        "precision": headline(ev)["precision"],
        "stale_edges": len(r.stale_edges),
        "not_facts_asserted": len(r.not_facts_asserted),
        "deepseek": None if ev.deepseek is None else ev.deepseek.share,
        "per_kind": {
            f"{kind}/{scope}": {"tp": t.tp, "fp": t.fp, "fn": t.fn}
            for (kind, scope), t in sorted(r.tallies.items())
        },
    }


def render(ev: Evaluation) -> str:
    r = ev.result
    lines = [
        TITLE,
        "",
        "How often the graph states what a model card states, and nothing else. The development",
        f"set is {len(ev.labels)} real Hub models (`bench/truth/corpus/`, see its INDEX.md): captured",
        "Hub API answers and cards, and README-only cards whose API answer is constructed from the",
        "front matter. Each `facts.json` labels every lineage fact the files state (declared in",
        "the metadata, or only in the prose) and the tempting wrong answers (`not_facts`).",
        "",
        "Reproduce (needs a Neo4j it may wipe: an empty one, or one it marked before):",
        "",
        "```console",
        f"$ {ev.command}",
        "```",
        "",
        "It turns the corpus into replay recordings (`python -m ingest.replay.from_captures",
        "bench/truth/corpus OUT` does only that step), ingests every model with the `hf` source",
        "(depth 0, every card read), reads each model's edges back from Neo4j and compares them",
        "with the labels. An edge counts when its confidence is at least "
        f"{MIN_CONFIDENCE}: weaker edges are hints",
        "that `minConfidence` filters out. Two edges saying the same thing are one fact; for a",
        "paper the role is `own` when any edge says `DESCRIBED_BY`, else `linked` (cited or",
        "mentioned). A base counts only with its relation.",
        "",
        "## Targets",
        "",
        "| target | goal | measured | met |",
        "|---|---|---|---|",
    ]
    measured = headline(ev)
    for name, goal in TARGETS:
        value = measured[name]
        met = value is not None and value >= goal
        lines.append(f"| {name} | >= {pct(goal)} | {pct(value)} | {'yes' if met else 'no'} |")
    lines.append(
        f"| edges to stale (pre-rename) ids | 0 | {len(r.stale_edges)} | "
        f"{'yes' if not r.stale_edges else 'no'} |"
    )
    lines.append(
        f"| not_facts asserted | 0 | {len(r.not_facts_asserted)} of {r.not_facts_checked} checked | "
        f"{'yes' if not r.not_facts_asserted else 'no'} |"
    )
    if ev.deepseek is not None:
        ds = ev.deepseek
        lines.append(
            f"| DeepSeek facts (LINEAGE.md) | 100% | {pct(ds.share)} "
            f"({len(ds.present)} of {len(ds.present) + len(ds.missing)}, "
            f"{len(ds.wrongly_present)} negative facts present) | {'yes' if ds.perfect else 'no'} |"
        )
    lines += [
        "",
        "## Per kind of fact",
        "",
        "| kind | scope | true pos. | false pos. | false neg. | precision | recall |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in KINDS:
        for scope in ("declared", "prose"):
            t = r.tallies.get((kind, scope))
            if t and (t.tp or t.fp or t.fn):
                lines.append(_row(f"{kind} | {scope}", t))
        lines.append(_row(f"**{kind}** | all", r.total(kinds=(kind,))))
    lines.append(_row("**all** | declared", r.total(scopes=("declared",))))
    lines.append(_row("**all** | prose", r.total(scopes=("prose",))))
    lines.append(_row("**all** | all", r.total()))
    lines += [
        "",
        "Kinds: `base` = a parent model with its relation (finetune, adapter, quantized, merge,",
        "distilled_from_teacher, derived); `dataset` = TRAINED_ON a Hub dataset (canonical id);",
        "`paper` = an arXiv paper with its role; `library` = USES_LIBRARY a PyPI package;",
        "`code` = HAS_CODE the model's own repository (a library's repository is not);",
        "`license` = LICENSED_UNDER. Scope `declared` = the Hub metadata states it (front matter,",
        "tags); `prose` = only the card's text. A false positive's scope is declared when any",
        "of its edges is.",
        "",
        f"Library versions: {r.versions.tp} of {r.versions.tp + r.versions.fn} labelled versions "
        "are on the edge (detail or evidence).",
        "",
        "## Confidence bands (inferred edges)",
        "",
        "What an inferred edge's confidence means, measured: the share of the edges in each band",
        "that state a labelled fact (each edge on its own, so a second, weaker relation to a",
        "right parent counts as wrong here). Below 0.5: declared claims the card's text",
        "contradicts (copied front matter), kept but not asserted. docs/api.md explains the bands.",
        "",
        "| confidence | edges | right | precision |",
        "|---|---|---|---|",
    ]
    for band in BANDS:
        t = r.bands.get(band, Tally())
        hi = "1.0" if band[1] > 1 else f"{band[1]:.2f}"
        lines.append(f"| {band[0]:.2f} - {hi} | {t.tp + t.fp} | {t.tp} | {pct(t.precision)} |")
    lines += ["", "## False positives", ""]
    if not r.false_positives:
        lines.append("None.")
    for p, why in sorted(r.false_positives, key=lambda x: (x[0].model, x[0].kind, x[0].target)):
        lines.append(
            f"- `{p.model}` {p.kind} `{p.target}` ({p.role or '-'}): {_esc(why)}. "
            f"Edge: {_esc(p.edges[0].describe())}"
        )
    lines += ["", "## False negatives", ""]
    lines += [
        "Why the remaining misses stay misses (precision over recall: the rules name a parent",
        "only from a Hub link or an id written in the card):",
        "",
        "- a parent named in words only: 'the pre-trained model', 'Llama 3.1 8B and 70B' as",
        "  teachers, 'We finetune BLOOM' with the id in an HTML table of the family, GPT-2 linked",
        "  under its legacy id `gpt2` (no recording answers the rename offline);",
        "- a relation stated only by the repo's name or a copy notice ('an unmodified version',",
        "  'converted for the Hugging Face Transformers format', a re-upload named",
        "  `meta-llama-...-FP16`): read as a parent they would be guesses;",
        "- code linked from a licence line or a raw.githubusercontent URL, a dataset named as",
        "  plain `org/name` text, a library named only inside a class name (`BitsAndBytesConfig`)",
        "  or a table cell.",
        "",
    ]
    if not r.false_negatives:
        lines.append("None.")
    for g, why in sorted(r.false_negatives, key=lambda x: (x[0].model, x[0].kind, x[0].target)):
        scope = "declared" if g.declared else "prose"
        lines.append(
            f"- `{g.model}` {g.kind} `{g.target}` ({g.role or '-'}, {scope}): {why}. "
            f"Label evidence: {_esc(g.evidence[:200])}"
        )
    lines += ["", "## not_facts", ""]
    lines.append(
        f"{r.not_facts_checked} not_facts checked mechanically, "
        f"{len(r.not_facts_unchecked)} not checkable (no id in the value: modality, names of "
        "model families, aliases)."
    )
    lines.append("")
    for model, nf, edge in r.not_facts_asserted:
        lines.append(f"- ASSERTED `{model}`: {_esc(nf)} -> {edge}")
    if r.stale_edges:
        lines += ["", "## Edges to stale ids", ""]
        for e in r.stale_edges:
            lines.append(f"- `{e.model}` {_esc(e.describe())}")
    unscored = Counter(kind for _, kind, _ in r.unscored)
    lines += [
        "",
        "## Not scored",
        "",
        "Facts the graph cannot hold as an edge to a known id, counted but not scored: "
        + ", ".join(f"{n} {kind}" for kind, n in sorted(unscored.items()))
        + " (a parent named without a Hub id, a corpus named without a Hub id, a paper with no"
        " arXiv id).",
        "",
        "## The ingest",
        "",
        f"Corpus run: status `{ev.report.status}`, {len(ev.report.failures)} failures, "
        f"{len(ev.report.warnings)} warnings.",
    ]
    if ev.deepseek_report is not None:
        lines.append(f"DeepSeek run (bundled recordings): status `{ev.deepseek_report.status}`.")
    if ev.deepseek is not None and not ev.deepseek.perfect:
        for f in ev.deepseek.missing:
            lines.append(f"- DeepSeek fact missing: {' '.join(f)}")
        for f in ev.deepseek.wrongly_present:
            lines.append(f"- DeepSeek negative fact present: {' '.join(f)}")
    return "\n".join(lines) + "\n"


def write(ev: Evaluation, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(ev), encoding="utf-8")
    return out
