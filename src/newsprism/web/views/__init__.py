"""View data of the reading pages, built from the store: the story list and one story
(``stories``), one article (``articles``), the outlets and one outlet (``outlets``).

Each view is a pydantic model: the JSON twin under ``/api`` returns it as it is (so the
OpenAPI document describes it) and the page renders the same object. SQL lives in
``store.browse``; these modules only shape what it returns. The routing modules
(``web.pages_read``, ``web.api_read``) call them and hold no view logic of their own.
"""
