"""engines: the two ways an ingest run reads sources into the store.

- ``engines.local``: one process; each article stored in its own transaction as it is built
  (``ingest_sources``).
- ``engines.ray``: the same reading and building (``ingest.loader.build_noted``,
  ``raw_from_warc``) spread over Ray workers, stored in batches by the driver.
- ``engines.common``: what both report and run with: the summary (``IngestSummary``),
  stopping on SIGINT/SIGTERM, the run's story filer, the line for a write lock held too long.

Both read through the ``ingest`` readers, so an article does not depend on the engine that
read it; an engine never imports a service or a front end.
"""
