"""Write the schema's SDL to schema/schema.graphql, or check that it matches.

python -m service.export_sdl           # write
python -m service.export_sdl --check   # exit 1 when the file drifted
"""

from __future__ import annotations

import sys
from pathlib import Path

from service.schema import schema

SDL_PATH = Path(__file__).resolve().parent.parent / "schema" / "schema.graphql"


def sdl() -> str:
    return schema.as_str() + "\n"


def main(argv: list[str]) -> int:
    text = sdl()
    if "--check" in argv:
        current = SDL_PATH.read_text() if SDL_PATH.exists() else ""
        if current != text:
            print(f"{SDL_PATH} is out of date: run python -m service.export_sdl")
            return 1
        return 0
    SDL_PATH.write_text(text)
    print(f"wrote {SDL_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
