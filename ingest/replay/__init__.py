"""Offline stand-ins for the upstream APIs: a local HTTP server replaying recordings.

``recording`` reads the YAML format (docs/recordings.md), ``routes`` picks the
recording for a request, ``server`` serves them, ``stats`` counts what was asked.
``python -m shoulders.ingest.replay DIR`` serves a folder from the command line.
"""

from shoulders.ingest.replay.recording import SERVICES, Recording, RecordingError, load_recordings
from shoulders.ingest.replay.server import ReplayServer
from shoulders.ingest.replay.stats import RecordedRequest, ReplayStats

__all__ = [
    "SERVICES",
    "RecordedRequest",
    "Recording",
    "RecordingError",
    "ReplayServer",
    "ReplayStats",
    "load_recordings",
]
