"""Feed ingestion stages, each a plain module: ``fetch`` (bytes over HTTP, safely), ``parse`` (feedparser on
those bytes), ``clean`` (sanitised HTML, plain text without site furniture, canonical URL, content hash).

The services in ``events.ingest.feeds`` and ``events.ingest.articles`` chain them and write the rows.
"""
