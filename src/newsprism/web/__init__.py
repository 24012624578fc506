"""The web app (`newsprism serve`): browse stored stories and see every side of each.

Server-rendered pages that read without JavaScript, each with a JSON twin under ``/api``
(described by the OpenAPI document at ``/api/openapi.json``). Modules:

- ``app``: the application factory ``create_app`` and error handling;
- ``deps``: the configuration, one store connection per request, the write token (its cookie
  and the forms' token), templates;
- ``guard``: around every request: the Host check and the security headers;
- ``views``: read-side view data built from the store, one module per page family
  (``stories``: the story list and one story; ``articles``; ``outlets``);
- ``outlets``: who each outlet is (registry and stored entries) and the per-store cache of
  the outlets with stored articles;
- ``story_jobs``: a story opened for reading that must be compared first: its compare job;
- ``pages_read`` / ``api_read``: the reading pages and their JSON twins;
- ``jobs``: background analysis of added articles, with progress;
- ``pages_write`` / ``api_write``: adding articles and correcting stories.
"""
