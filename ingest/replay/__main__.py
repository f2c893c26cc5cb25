"""``python -m ingest.replay DIR [--port N]``: serve a recording folder."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path

from ingest.replay.recording import RecordingError
from ingest.replay.server import ReplayServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ingest.replay",
        description="Serve recorded API responses (see docs/recordings.md).",
    )
    parser.add_argument("folders", nargs="+", type=Path, help="recording folder(s)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    # Unmatched requests are logged as warnings: that is how authors see what is missing.
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    server = ReplayServer(args.folders, host=args.host, port=args.port)
    try:
        server.start()
    except RecordingError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"serving {len(server.recordings)} recordings at {server.base_url}")
    for name, url in server.endpoints().items():
        print(f"export {name}={url}")
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
