"""The use cases both front ends call: the CLI (``newsprism.cli``) and the web app
(``newsprism.web``) parse input and show output; the flow between the stages lives here.

- ``services.ingest``: ingest a set of sources (either engine) and file them under stories.
- ``services.compare``: compare a stored story (or given articles) and save it.
- ``services.stories``: read a stored story; correct stories (merge, split, move).
- ``services.adding``: store and file articles given to the web app (pasted, a URL, files).

A service takes its settings explicitly and never prints: what to show is its return value
(or an exception naming what went wrong), so one flow serves a terminal and a web page.
"""
