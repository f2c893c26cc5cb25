"""What a card's links mean: its own paper, its own code, its training data. Pure text rules.

- **own paper**: an arXiv (or huggingface.co/papers) link the card labels as its paper
  ("Paper: [..](arxiv)", "[Research paper](..)", "[.. Technical Report](..)", "our
  [paper](..)", "It is introduced in the paper:" on the line before). A link alone only
  says the card mentions the paper.
- **own code**: a GitHub repository the card presents as the model's code ("GitHub repo",
  "Training code:", "released in [..'s repository]", a repository named like the model)
  and never as a tool it runs with ("using [X](..)", "pip install", a library the card
  installs). Repositories in safety/responsibility sections are context, not code.
- **training data**: a ``huggingface.co/datasets/<id>`` link (or a `org/name` id) in a
  sentence that says the model was trained, fine-tuned or aligned on it, outside
  evaluation text. Evaluation datasets are not training data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONF_OWN_PAPER = 0.8
CONF_OWN_CODE = 0.75
CONF_CODE_BY_NAME = 0.6
CONF_DATA_LINK = 0.75
CONF_DATA_TEXT = 0.6
CONF_DATA_LIST = 0.7

_ARXIV = re.compile(
    r"(?:https?://)?(?:www\.)?(?:arxiv\.org/(?:abs|pdf)/|huggingface\.co/papers/)"
    r"(\d{4}\.\d{4,5})",
    re.I,
)
_MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)\)")
_OWN_PAPER_TEXT = re.compile(
    r"^(?:research\s+paper|official\s+paper|original\s+paper|technical\s+report|"
    r".*\btechnical\s+report|model\s+card|paper\s+link)$",
    re.I,
)
_OWN_PAPER_LABEL = re.compile(
    r"^\W*(?:\*\*)?\s*(?:research\s+)?paper\s*(?:\*\*)?\s*:?\s*(?:\*\*)?", re.I
)
_OWN_PAPER_LEAD = re.compile(
    r"\b(?:introduced|presented|proposed|described)\s+in\s+(?:the|our)\s+paper\b", re.I
)
_GITHUB = re.compile(r"(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9][\w\-]*)/([\w.\-]+)", re.I)
_IMAGE = re.compile(r"\.(?:svg|png|jpe?g|gif|pdf|webp)(?:\?|$)|[?&]raw=true", re.I)
_CODE_CUE = re.compile(
    r"github\s*(?:repo(?:sitory)?|page)|\brepo(?:sitory)?\b|\b(?:our|the|training)\s+code\b|"
    r"\bcode\s*(?::|is\s+available)|codebase|"
    r"\bcheckpoints\b|released\s+in|source\s+code|training\s+code|official\s+(?:code|implementation)",
    re.I,
)
_TOOL_CUE = re.compile(
    r"\bpip3?\s+install\b|\busing\b|\buses\b|\bwith\s+(?:the\s+)?\[|\brecommend|\bframework\b|"
    r"\binference\s+engine|\bpackage\b|\blibrary\b|\btoolkit\b|\bformat\b|\bpowers\b|"
    r"\bserv(?:e|ing)\b|\bdeploy",
    re.I,
)
# "X is used with [Y]": the card names a tool it runs or trains with
_USE_CUE = re.compile(
    r"\bpip3?\s+install\b|\busing\b|\bused\b|\bwith\s+(?:the\s+)?\[|\brecommend|\bpackage\b|"
    r"\blibrary\b|\btoolkit\b|\bframework\b|\binference\s+engine|\binstall",
    re.I,
)
_TOOL_HEADING = re.compile(r"software|dependenc|requirement|install|hardware", re.I)
_CONTEXT_HEADING = re.compile(
    r"safety|responsib|ethic|limitation|risk|evaluation|benchmark|citation|license|"
    r"acknowledg|community|feedback|contact|related|resources",
    re.I,
)
_HF_DATASET = re.compile(
    r"(?:https?://)?(?:www\.)?huggingface\.co/datasets/([A-Za-z0-9][\w.\-]*(?:/[\w.\-]*\w)?)"
)
_TRAIN_CUE = re.compile(
    r"\b(?:train(?:ed|ing)?|re-?trained|fine-?tun(?:ed|ing)|finetun(?:ed|ing)|pre-?train(?:ed|ing)|"
    r"aligned|alignment|sft|dpo|distill(?:ed|ation))\b",
    re.I,
)
_EVAL_CUE = re.compile(
    r"\b(?:evaluat\w*|benchmark\w*|test\s+set|validation|zero-shot\s+results|leaderboard)\b",
    re.I,
)
_TRAINING_HEADING = re.compile(r"\btraining\s+data|\bpre-?training\s+data|\bdatasets?\s+used", re.I)
_DATA_ID_TEXT = re.compile(r"`([A-Za-z0-9][\w\-]*/[\w.\-]*\w)`")


@dataclass(frozen=True)
class LinkClaim:
    target: str  # arXiv id, GitHub owner/name, or Hub dataset id
    snippet: str
    confidence: float
    how: str


def _body_lines(body: str) -> list[tuple[str, str, bool]]:
    """(line, the heading it sits under, inside a code block)."""
    out: list[tuple[str, str, bool]] = []
    heading, fenced = "", False
    for raw in body.splitlines():
        stripped = raw.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced and stripped.startswith("#"):
            heading = stripped.lstrip("#").strip()
        out.append((raw, heading, fenced))
    return out


def own_papers(body: str) -> list[LinkClaim]:
    """arXiv papers the card labels as its own."""
    found: dict[str, LinkClaim] = {}
    previous = ""
    for line, _, fenced in _body_lines(body):
        text = line.strip()
        if fenced:
            continue
        for link in _MD_LINK.finditer(text):
            arxiv = _ARXIV.search(link.group("url"))
            if not arxiv:
                continue
            label = re.sub(r"[*_\"`]", "", link.group("text")).strip()
            before = text[: link.start()]
            how = None
            if _OWN_PAPER_TEXT.match(label):
                how = f"linked as '{label}'"
            elif label.lower() == "paper" and re.search(r"\bour\s*$", before, re.I):
                how = "linked as 'our paper'"
            elif _OWN_PAPER_LABEL.match(before) and before.strip(" *-:").lower().endswith("paper"):
                how = "the card's 'Paper:' line"
            elif _OWN_PAPER_LEAD.search(before) or (
                not before.strip(" -*") and _OWN_PAPER_LEAD.search(previous)
            ):
                how = "introduced in the paper"
            if how:
                found.setdefault(
                    arxiv.group(1), LinkClaim(arxiv.group(1), text[:400], CONF_OWN_PAPER, how)
                )
        if not _MD_LINK.search(text) and _OWN_PAPER_LABEL.match(text):
            bare = _ARXIV.search(text)
            if bare and text.strip(" *-").lower().startswith(("paper", "research paper")):
                found.setdefault(
                    bare.group(1),
                    LinkClaim(
                        bare.group(1), text[:400], CONF_OWN_PAPER, "the card's 'Paper:' line"
                    ),
                )
        if text:
            previous = text
    return list(found.values())


def _tokens(name: str) -> set[str]:
    return {t for t in re.split(r"[^a-z0-9]+", name.lower()) if len(t) >= 3 and not t.isdigit()}


def _named_like(repo_name: str, model_name: str) -> bool:
    """The repository is named after the model or its family (TinyLlama, Qwen3, gpt-2)."""
    repo = re.sub(r"[^a-z0-9]", "", repo_name.lower())
    model = re.sub(r"[^a-z0-9]", "", model_name.lower())
    if len(repo) < 4:
        return False
    family = re.sub(r"[^a-z0-9]", "", re.split(r"[-_]", model_name.lower())[0])
    return model.startswith(repo) or (len(family) >= 4 and repo == family)


def _label_names(window: str, model_name: str) -> bool:
    """The link's text names the model's family: "[Google's mT5](...)" for mt5-small."""
    label = re.search(r"\[([^\]]+)\]\($", window.split("](")[0] + "](") if "](" in window else None
    if label is None:
        return False
    first = re.sub(r"[^a-z0-9]", "", re.split(r"[-_]", model_name.lower())[0])
    words = {re.sub(r"[^a-z0-9]", "", w) for w in re.split(r"[\s/]+", label.group(1).lower())}
    return len(first) >= 2 and first in words


def own_code(repo_id: str, author: str | None, body: str, libraries: set[str]) -> list[LinkClaim]:
    """GitHub repositories the card presents as the model's own code."""
    model_name = repo_id.split("/")[-1]
    verdict: dict[str, LinkClaim | None] = {}
    rows = _body_lines(body)
    for i, (line, heading, fenced) in enumerate(rows):
        if _CONTEXT_HEADING.search(heading):
            continue
        # a link's sentence may wrap: read it with the lines around it
        before = rows[i - 1][0].strip() + " " if i and rows[i - 1][0].strip() else ""
        after = " " + rows[i + 1][0].strip() if i + 1 < len(rows) else ""
        tools_here = bool(_TOOL_HEADING.search(heading))
        for m in _GITHUB.finditer(line):
            owner, name = m.group(1), m.group(2).rstrip(".").removesuffix(".git").rstrip(".")
            if not name or _IMAGE.search(line[m.start() : m.end() + 120].split(")")[0]):
                continue
            full = f"{owner}/{name}"
            key = full.lower()
            shift = len(before)
            window = _window(before + line + after, m.start() + shift, m.end() + shift)
            lib_named = re.sub(r"[-_.]", "", name.lower()) in libraries
            tool = fenced or tools_here or bool(_TOOL_CUE.search(window))
            cue = bool(_CODE_CUE.search(window))
            named = (
                _named_like(name, model_name)
                or _label_names(window, model_name)
                or (
                    bool(author)
                    and owner.lower() == (author or "").lower()
                    and _named_like(name, model_name)
                )
            )
            claim: LinkClaim | None = None
            if not tool and cue:
                claim = LinkClaim(
                    full, line.strip()[:400], CONF_OWN_CODE, "linked as the model's code"
                )
            elif not lib_named and named and not fenced:
                claim = LinkClaim(
                    full, line.strip()[:400], CONF_CODE_BY_NAME, "repository named after the model"
                )
            held = verdict.get(key)
            if key not in verdict or (
                claim is not None and (held is None or claim.confidence > held.confidence)
            ):
                verdict[key] = claim
    return [c for c in verdict.values() if c is not None]


def _window(line: str, start: int, end: int) -> str:
    """The link's own text and the words just before it: what the card calls it."""
    lead = line[max(0, start - 160) : start]
    # the Markdown link text when the URL is a link target: [text](url)
    bracket = lead.rfind("[")
    if bracket >= 0 and lead[bracket:].find("](") >= 0:
        lead = lead[max(0, bracket - 140) :]
    lead = re.split(r"[.;!?]\s", lead)[-1]
    return lead + line[end : end + 40].split("\n")[0]


def training_datasets(body: str) -> list[LinkClaim]:
    """Hub datasets a sentence says the model was trained on."""
    found: dict[str, LinkClaim] = {}
    for line, heading, fenced in _body_lines(body):
        text = line.strip()
        if fenced or text.startswith(("<", "|")) or _EVAL_CUE.search(heading):
            continue
        if _TRAINING_HEADING.search(heading) and re.match(r"^[-*+]\s", text):
            # a list of dataset links under "Training Data"
            for m in _HF_DATASET.finditer(text):
                ident = m.group(1).rstrip(".")
                found.setdefault(
                    ident.lower(),
                    LinkClaim(ident, text[:400], CONF_DATA_LIST, "listed under " + heading[:60]),
                )
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
            if not _TRAIN_CUE.search(sentence) or _EVAL_CUE.search(sentence):
                continue
            for m in _HF_DATASET.finditer(sentence):
                ident = m.group(1).rstrip(".")
                found.setdefault(
                    ident.lower(),
                    LinkClaim(
                        ident, sentence[:400], CONF_DATA_LINK, "a training sentence links it"
                    ),
                )
            for m in _DATA_ID_TEXT.finditer(sentence):
                if re.search(r"\b(data|dataset|corpus)\b", sentence, re.I):
                    found.setdefault(
                        m.group(1).lower(),
                        LinkClaim(
                            m.group(1),
                            sentence[:400],
                            CONF_DATA_TEXT,
                            "a training sentence names it",
                        ),
                    )
    return list(found.values())


_REF_DEF = re.compile(r"^\s*\[([^\]]+)\]:\s*(\S+)", re.M)
_REF_USE = re.compile(r"\[([^\]]+)\]\[([^\]]+)\]")
_PACKAGE_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]$")
_NOT_A_PACKAGE = re.compile(r"format|paper|repo|page|here|list|guide|docs?\b|blog|card", re.I)
_STRIP = re.compile(r"[`*_]|'s\b|\u2019s\b|[^\x00-\x7f]")


@dataclass(frozen=True)
class ToolLink:
    name: str  # the package name the card writes
    repo: str  # GitHub owner/name
    snippet: str


def tool_links(body: str, repo_id: str = "") -> list[ToolLink]:
    """GitHub links the card presents as tools the model is used or trained with.

    A repository named after the model is its own code, not a tool (CodeT5+ for codet5p).
    """
    model_name = repo_id.split("/")[-1]
    refs = {k.lower(): v for k, v in _REF_DEF.findall(body)}
    out: dict[str, ToolLink] = {}
    rows = _body_lines(body)
    for i, (line, heading, fenced) in enumerate(rows):
        if fenced or _REF_DEF.match(line) or _CONTEXT_HEADING.search(heading):
            continue
        links_here = [(m.group("text"), m.group("url"), m.start()) for m in _MD_LINK.finditer(line)]
        links_here += [
            (m.group(1), refs.get(m.group(2).lower(), ""), m.start())
            for m in _REF_USE.finditer(line)
        ]
        before = rows[i - 1][0].strip() + " " if i and rows[i - 1][0].strip() else ""
        for text, url, at in links_here:
            gh = _GITHUB.match(url)
            if not gh:
                continue
            owner, repo = gh.group(1), gh.group(2).rstrip(".").removesuffix(".git")
            if model_name and _named_like(repo, model_name):
                continue
            lead = (before + line[:at])[-160:]
            tail = line[at : at + len(text) + len(url) + 40]
            context = re.split(r"[.;!?]\s", lead)[-1] + tail
            if not (_TOOL_HEADING.search(heading) or _USE_CUE.search(context)):
                continue
            label = _STRIP.sub("", text).strip()
            if _NOT_A_PACKAGE.search(label):
                continue
            if _PACKAGE_LIKE.match(label):
                name = label
            elif re.sub(r"[^a-z0-9]", "", repo.lower()) in re.sub(r"[^a-z0-9]", "", label.lower()):
                name = repo
            else:
                continue
            out.setdefault(name.lower(), ToolLink(name, f"{owner}/{repo}", line.strip()[:400]))
    return list(out.values())
