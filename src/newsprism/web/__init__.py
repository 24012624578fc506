"""The web app (`newsprism serve`): browse stored stories and see every side of each.

Server-rendered pages that read without JavaScript, each with a JSON twin under ``/api``
(described by the OpenAPI document at ``/api/openapi.json``). Modules:

- ``app``: the application factory ``create_app`` and error handling;
- ``deps``: the configuration, one store connection per request, the write token (its cookie
  and the forms' token), templates;
- ``guard``: around every request: the Host check and the security headers;
- ``browse``: read-side view data (story list, story page, outlet page) built from the store;
- ``pages_read`` / ``api_read``: the reading pages and their JSON twins;
- ``jobs``: background analysis of added articles, with progress;
- ``pages_write`` / ``api_write``: adding articles and correcting stories.
"""
