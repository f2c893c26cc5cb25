"""Offline stand-ins for the upstream APIs: a local HTTP server replaying recordings.

``recording`` reads the YAML format (docs/recordings.md), ``routes`` picks the
recording for a request, ``server`` serves them, ``stats`` counts what was asked.
``python -m ingest.replay DIR`` serves a folder from the command line.
"""

from ingest.replay.recording import SERVICES, Recording, RecordingError, load_recordings
from ingest.replay.server import ReplayServer
from ingest.replay.stats import RecordedRequest, ReplayStats

__all__ = [
    "SERVICES",
    "RecordedRequest",
    "Recording",
    "RecordingError",
    "ReplayServer",
    "ReplayStats",
    "load_recordings",
]
