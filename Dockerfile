# The Shoulders image: the `shoulders` command (API server and ingest) without Neo4j, which runs
# as the official neo4j:5.26 image next to it (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# shoulders/{schema,ingest,service} are symlinks to the top-level folders: COPY keeps them and the
# wheel build follows them, so the installed package is complete without the source tree.
COPY . .
RUN pip install . \
    && mkdir -p /usr/share/shoulders && cp -r recordings /usr/share/shoulders/recordings \
    && rm -rf /src \
    && useradd --create-home --uid 10001 shoulders \
    && mkdir -p /var/lib/shoulders/reports \
    && chown -R shoulders /var/lib/shoulders

USER shoulders
WORKDIR /home/shoulders
# Defaults of the settings point into the source checkout; in the image they point here.
ENV SHOULDERS_API_HOST=0.0.0.0 \
    SHOULDERS_API_PORT=8000 \
    SHOULDERS_REPORT_DIR=/var/lib/shoulders/reports \
    SHOULDERS_RECORDINGS=/usr/share/shoulders/recordings \
    SHOULDERS_LOG_FORMAT=json
EXPOSE 8000
CMD ["shoulders", "serve"]
