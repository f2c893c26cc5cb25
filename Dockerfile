# The Shoulders image: the `shoulders` command (API server and ingest) without Neo4j, which runs
# as the official neo4j:5.26 image next to it (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# The wheel carries everything the commands read (the recordings and the Maven POM are package
# data), so the source tree goes once it is installed.
COPY . .
RUN pip install . \
    && rm -rf /src \
    && useradd --create-home --uid 10001 shoulders \
    && mkdir -p /var/lib/shoulders/reports \
    && chown -R shoulders /var/lib/shoulders

USER shoulders
WORKDIR /home/shoulders
# State (run reports, the HTTP cache) under one volume-friendly folder.
ENV SHOULDERS_API_HOST=0.0.0.0 \
    SHOULDERS_API_PORT=8000 \
    SHOULDERS_HOME=/var/lib/shoulders \
    SHOULDERS_LOG_FORMAT=json
EXPOSE 8000
CMD ["shoulders", "serve"]
