"""How the Hub's common card templates state a parent model: pure text rules, no I/O.

Trainer/TRL cards ("This model is a fine-tuned version of [X](link)"), quantizer and
converter cards ("Original model: <link>", "converted to GGUF format from [`X`]"),
mergekit cards ("### Models Merged", the YAML config), adapters ("LoRA adapter for `X`"),
key-value lines ("**Base model**: `X`"), distillations ("distilled from [X](link)") and
hand-written sentences whose subject is the repository itself ("This model is based on
[X](link)"). A parent becomes a claim only when the card writes a Hub id (a link to the
model on the Hub, or ``org/name`` in the text); a name alone is never turned into an id.
Every claim keeps the exact line it came from and a confidence:

- 0.85: a template phrase whose object is a link to the model on the Hub,
- 0.75: the same phrase with the id written as text, a key-value line, a merge config,
- 0.6: a looser phrase ("based on") or an id taken from a link's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schema.vocabulary import Rel

CONF_TEMPLATE_LINK = 0.85
CONF_TEMPLATE_TEXT = 0.75
CONF_LOOSE = 0.6

_HUB = r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/"
_NOT_MODEL = r"(?!datasets/|spaces/|papers/|docs/|blog/|collections/|organizations/|settings/)"
_HUB_MODEL = re.compile(_HUB + _NOT_MODEL + r"([A-Za-z0-9][\w.\-]*/[\w.\-]*[\w])")
_ID_TEXT = re.compile(r"^[A-Za-z0-9][\w\-]*(?:\.[\w\-]+)*/[\w.\-]*\w$")
# the object right after a phrase: a Markdown link, a `code` id, a bare Hub URL or org/name
_OBJECT = re.compile(
    r"\s*(?:\*\*|__)?\s*(?:"
    r"\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]*)\)"
    r"|`(?P<code>[^`]+)`"
    r"|(?P<bare>" + _HUB + r"\S+)"
    r"|(?P<plain>[A-Za-z0-9][\w.\-]*/[\w.\-]*\w)"
    r")"
)
_QUANT_WORDS = re.compile(
    r"\b(gguf|ggml|gptq|awq|exl2|mlx|quant\w*|\d+-?bit|bnb|int[48]|fp8)\b", re.I
)
_CODE_FENCE = re.compile(r"^\s*(```|~~~)")
# "This model", "This is", "It is", "the model", "We": the repository itself speaking
_SELF = (
    r"(?:this\s+(?:model|repo(?:sitory)?|checkpoint|version)|this|it|the\s+model|we|our\s+model)"
)

#: (pattern, relation, what it states). The object follows the match.
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bquantized\s+version\s+of\b", re.I), "quantized"),
    (re.compile(r"\bquanti[sz]ations?\s+of\b", re.I), "quantized"),
    (
        re.compile(r"\bconverted\s+to\s+(?:the\s+)?(?P<fmt>[\w\-]+)\s+format\s+from\b", re.I),
        "converted",
    ),
    (re.compile(r"^\W*original\s+model\s*(?:\*\*|__)?\s*:", re.I), "original"),
    (re.compile(r"\bfine-?tuned\s+version\s+of\b", re.I), "finetune"),
    (re.compile(r"\bfine-?tuned\s+on\s+top\s+of\b", re.I), "finetune"),
    (re.compile(r"\bcontinued\s+pre-?training\s+(?:of|from|on\s+top\s+of)\b", re.I), "continued"),
    (
        re.compile(r"\b(?:lora|qlora|peft)?\s*adapters?\s+(?:for|of|on\s+top\s+of)\b", re.I),
        "adapter",
    ),
    (re.compile(r"\bdistilled\s+from\b", re.I), "distilled"),
    (re.compile(r"^\W*" + _SELF + r"\s+(?:is|was)\s+based\s+on\b", re.I), "based"),
    (re.compile(r"^\W*(?:base\s+model)\s*(?:\*\*|__)?\s*:", re.I), "kv"),
    # "This is [X](link) finetuned on ...": the object comes first, the verb after it
    (re.compile(r"^\W*this\s+(?:model\s+)?is\b", re.I), "this_is"),
)
_AFTER_THIS_IS = re.compile(r"^\s*,?\s*(?:fine-?tuned|finetuned|trained\s+further)\b", re.I)


@dataclass(frozen=True)
class TemplateClaim:
    rel: Rel
    target: str  # a Hub repo id, as the card writes it
    snippet: str  # the exact line
    confidence: float
    how: str  # which rule, in words


@dataclass(frozen=True)
class CardShape:
    """What kind of repository the card describes, from its metadata and name."""

    quantized: bool
    adapter: bool
    merge: bool


def shape(repo_id: str, tags: tuple[str, ...], library: str | None, body: str) -> CardShape:
    lowered = {t.lower() for t in tags}
    name = repo_id.split("/")[-1]
    quantized = bool(
        _QUANT_WORDS.search(name) or lowered & {"gguf", "gptq", "awq", "exl2", "mlx", "ggml"}
    )
    adapter = library == "peft" or bool(lowered & {"peft", "lora", "adapter"})
    merge = bool(lowered & {"mergekit", "merge"}) or "mergekit" in body.lower()
    return CardShape(quantized, adapter, merge)


def _target(m: re.Match[str]) -> tuple[str | None, float]:
    """The Hub id an object match names, with how sure that id is."""
    url, text = m.group("url"), m.group("text")
    if url is not None:
        hub = _HUB_MODEL.match(url)
        if hub:
            return hub.group(1).removesuffix(".git"), CONF_TEMPLATE_LINK
        inner = (text or "").strip().strip("`").strip()
        if _ID_TEXT.match(inner):
            return inner, CONF_TEMPLATE_TEXT
        return None, 0.0
    if m.group("code") is not None:
        inner = m.group("code").strip()
        hub = _HUB_MODEL.match(inner)
        if hub:
            return hub.group(1), CONF_TEMPLATE_LINK
        return (inner, CONF_TEMPLATE_TEXT) if _ID_TEXT.match(inner) else (None, 0.0)
    if m.group("bare") is not None:
        hub = _HUB_MODEL.match(m.group("bare").rstrip(".,;:)"))
        return (hub.group(1), CONF_TEMPLATE_LINK) if hub else (None, 0.0)
    plain = m.group("plain").rstrip(".")
    return (plain, CONF_TEMPLATE_TEXT) if _ID_TEXT.match(plain) else (None, 0.0)


def _relation(kind: str, card: CardShape, fmt: str | None) -> Rel:
    if kind in ("quantized",):
        return Rel.QUANTIZED_FROM
    if kind == "converted":
        # GGUF, MLX, GPTQ ... conversions store quantized weights; other formats are re-encodings
        return (
            Rel.QUANTIZED_FROM
            if (fmt and _QUANT_WORDS.search(fmt)) or card.quantized
            else Rel.DERIVED_FROM
        )
    if kind == "original":
        return Rel.QUANTIZED_FROM if card.quantized else Rel.DERIVED_FROM
    if kind == "adapter":
        return Rel.ADAPTER_OF
    if kind == "distilled":
        return Rel.DISTILLED_FROM
    if card.adapter and kind in ("finetune", "kv", "based"):
        return Rel.ADAPTER_OF
    return Rel.FINETUNED_FROM


def _lines(body: str) -> list[tuple[str, bool]]:
    """(line, inside a code block) for every line of the card body."""
    out, fenced = [], False
    for raw in body.splitlines():
        if _CODE_FENCE.match(raw):
            fenced = not fenced
            continue
        out.append((raw, fenced))
    return out


def base_claims(repo_id: str, body: str, card: CardShape) -> list[TemplateClaim]:
    """Every parent the card's templates state, in card order, self-references dropped."""
    claims: list[TemplateClaim] = []
    lines = _lines(body)
    for line, fenced in lines:
        if fenced:
            continue
        text = line.strip()
        for pattern, kind in _PHRASES:
            for m in pattern.finditer(text):
                obj = _OBJECT.match(text, m.end())
                if obj is None:
                    continue
                if kind == "this_is" and not _AFTER_THIS_IS.match(text[obj.end() :]):
                    continue
                target, confidence = _target(obj)
                if target is None:
                    continue
                if kind == "this_is":
                    kind = "finetune"
                fmt = m.groupdict().get("fmt")
                rel = _relation(kind, card, fmt)
                if kind == "based":
                    confidence = min(confidence, CONF_LOOSE + 0.15)
                if kind == "kv":
                    confidence = min(confidence, CONF_TEMPLATE_TEXT)
                how = {
                    "continued": "continued pretraining of the named model",
                    "original": "'Original model:' line of a conversion card",
                    "kv": "'Base model:' line",
                }.get(kind, f"'{m.group(0).strip(' *_:')}' phrase")
                claims.append(TemplateClaim(rel, target, text[:400], confidence, how))
    claims += _merge_claims(lines, card)
    me = repo_id.lower()
    return [c for c in claims if c.target.lower() != me]


_MERGED_HEADING = re.compile(
    r"^\s*(?:#+\s*models?\s+merged|the\s+following\s+models\s+were\s+(?:included|merged)|"
    r".*\bis\s+a\s+merge\s+of\s+the\s+following\s+models)",
    re.I,
)
_MERGE_BASE = re.compile(
    r"base\s+model\s+(?:used\s+)?for\s+the\s+merge|used\s+as\s+(?:a|the)\s+base", re.I
)
_CONFIG_MODEL = re.compile(
    r"^\s*(?:-\s*)?(?:model|base_model)\s*:\s*([A-Za-z0-9][\w.\-]*/[\w.\-]*\w)\s*$"
)
_LIST_ITEM = re.compile(r"^\s*[-*+]\s+")


def _merge_claims(lines: list[tuple[str, bool]], card: CardShape) -> list[TemplateClaim]:
    """Parents of a merge: the list under "Models Merged", the base, the mergekit config."""
    claims: list[TemplateClaim] = []
    in_list = False
    for line, fenced in lines:
        text = line.strip()
        if fenced:
            in_list = False
            m = _CONFIG_MODEL.match(text)
            if m and card.merge:
                claims.append(
                    TemplateClaim(
                        Rel.MERGED_FROM, m.group(1), text, CONF_TEMPLATE_TEXT, "mergekit config"
                    )
                )
            continue
        if _MERGED_HEADING.match(text):
            in_list = True
            continue
        if in_list:
            if not text:
                continue
            if not _LIST_ITEM.match(text):
                in_list = False
                continue
            item = _LIST_ITEM.sub("", text)
            obj = _OBJECT.match(item)
            if obj:
                target, confidence = _target(obj)
                if target:
                    claims.append(
                        TemplateClaim(
                            Rel.MERGED_FROM, target, text[:400], confidence, "listed as merged"
                        )
                    )
            continue
        if _MERGE_BASE.search(text):
            for obj in _OBJECT.finditer(text):
                target, confidence = _target(obj) if obj.group(0).strip() else (None, 0.0)
                if target:
                    claims.append(
                        TemplateClaim(
                            Rel.MERGED_FROM, target, text[:400], confidence, "the merge's base"
                        )
                    )
    return claims
