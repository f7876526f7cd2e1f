"""Server logs as JSON lines (``MPDESK_LOG_FORMAT=json``): one object per record with the
fields a request or job line carries (request id, route, status, duration, shop, user)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

#: fields a record may carry through ``extra=``; nothing else leaves the process
FIELDS = (
    "request_id",
    "method",
    "route",
    "status",
    "duration_ms",
    "shop_id",
    "user_id",
    "job",
    "outcome",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["error"] = record.exc_info[0].__name__ if record.exc_info[0] else "Exception"
        return json.dumps(line, ensure_ascii=False)


def use_json_logs(level: int = logging.INFO) -> None:
    """Send mpdesk's records to stderr as JSON lines."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("mpdesk")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
