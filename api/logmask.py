"""A last guard for the server's logs: ID numbers masked, SQL parameters (names, IDs) dropped.

The API's own log lines never carry a path or a query (they name the route template instead); this filter
catches what other code puts in a message or a traceback: a driver error quoting its parameters, an
exception message with an ID in it.
"""

from __future__ import annotations

import logging
import re
import traceback

from extract.ids import mask_id

_DIGITS = re.compile(r"(?<!\d)\d{9,12}(?!\d)")
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\]\s*(?=\n|\(Background|$)", re.DOTALL)


def mask_text(text: str) -> str:
    text = _SQL_PARAMETERS.sub("[parameters hidden]", text)
    return _DIGITS.sub(lambda m: mask_id(m.group(0)), text)


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info))
        record.msg, record.args = mask_text(message), None
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Put the filter on every handler of ``logger`` (default: the root logger)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
