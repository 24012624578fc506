"""engines: the two ways an ingest run reads sources into the store.

- ``engines.local``: one process; each article stored in its own transaction as it is built
  (``ingest_sources``, also the run's summary, signal handling and story filing for now).
- ``engines.ray``: the same reading and building (``ingest.loader.build_noted``,
  ``raw_from_warc``) spread over Ray workers, stored in batches by the driver.

Both read through the ``ingest`` readers, so an article does not depend on the engine that
read it; an engine never imports a service or a front end.
"""
