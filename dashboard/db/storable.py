"""Outside text made storable once, where it enters: NUL and unpaired surrogates become U+FFFD.

PostgreSQL refuses both in text and JSON; SQLite stores them, and then every page, answer or
export that reads them back fails to encode. Replacing them at the boundary (webhook payloads,
operator parameters, search filters) means no stored value can break a later read.
"""

import re
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

REPLACEMENT = "\ufffd"
# A surrogate left in a Python str is always unpaired: a decoder joins every valid pair.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(text: str) -> str:
    return _UNSTORABLE.sub(REPLACEMENT, text) if _UNSTORABLE.search(text) else text


def storable(value: Any) -> Any:
    """`value` with every string in it (dict keys included, however deep) made storable."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item) for item in value]
    return value


def is_storable(value: Any) -> bool:
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is None
    if isinstance(value, dict):
        return all(is_storable(key) and is_storable(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return all(is_storable(item) for item in value)
    return True


def storable_form_data(data: Mapping) -> Mapping:
    """Submitted form or JSON data made storable, keeping its kind (a QueryDict keeps every value
    of a repeated field). Returned as is when there is nothing to replace."""
    if isinstance(data, QueryDict):
        if all(is_storable(key) and is_storable(values) for key, values in data.lists()):
            return data
        cleaned = QueryDict(mutable=True)
        for key, values in data.lists():
            cleaned.setlist(storable_text(key), storable(values))
        return cleaned
    return data if is_storable(data) else storable(data)
