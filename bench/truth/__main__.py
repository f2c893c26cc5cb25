"""``python -m bench.truth``: lineage precision and recall on the labelled cards -> docs/truth.md."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.database import NotOurDatabase
from bench.truth.page import headline, pct, summary, write
from bench.truth.run import CORPUS, evaluate
from shoulders.settings import Settings

REPO = Path(__file__).resolve().parents[2]
#: The quick form's cards: one or more of each template and failure class of issue #12.
QUICK = (
    "TinyLlama/TinyLlama-1.1B-Chat-v1.0",
    "QuantFactory/Llama-3.2-3B-Instruct-abliterated-GGUF",
    "mlx-community/gemma-3-12b-it-qat-4bit",
    "bartowski/Qwen2-7B-Multilingual-RP-GGUF",
    "Vortex5/Abyssal-Seraph-12B",
    "abhinand/Llama-3-OpenBioMed-8B-slerp-v0.3",
    "sayeed99/segformer-b2-fashion",
    "IvanKem/Qwen2.5-VL-32-unsloth-4bit-ft",
    "google/gemma-3-1b-it",
    "google-t5/t5-base",
    "distilbert/distilgpt2",
    "Qwen/Qwen3-0.6B",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.truth", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folders with facts.json")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "truth.md")
    parser.add_argument("--workdir", type=Path, default=REPO / "artifacts" / "truth")
    parser.add_argument("--only", action="append", help="a model id or folder (repeatable)")
    parser.add_argument(
        "--no-deepseek", action="store_true", help="skip the DeepSeek facts (bundled recordings)"
    )
    parser.add_argument("--quiet", action="store_true", help="print the headline only")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the CI form: a dozen cards covering every card template, plus the DeepSeek facts",
    )
    args = parser.parse_args(argv)
    command = "python -m bench.truth" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:])
    )
    try:
        ev = evaluate(
            Settings(),
            args.corpus,
            args.workdir,
            command,
            only=args.only or (list(QUICK) if args.quick else None),
            with_deepseek=not args.no_deepseek,
        )
    except NotOurDatabase as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    page = write(ev, args.out)
    args.workdir.mkdir(parents=True, exist_ok=True)
    (args.workdir / "truth.json").write_text(json.dumps(summary(ev), indent=2) + "\n")
    if not args.quiet:
        print(page.read_text(encoding="utf-8").split("## Confidence bands")[0])
    figures = ", ".join(f"{k} {pct(v)}" for k, v in headline(ev).items())
    print(f"{figures}; wrote {page}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
