"""The shared cache on the scale-out profile (Redis), made optional: while Redis is down, pages,
throttles and the export limit carry on as if the cache were empty, instead of answering 500.

Nothing the cache holds is the only copy of anything (a few seconds of the delivery banner, throttle
counters, running exports), so forgetting it for the length of an outage is the right trade.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("switchboard.cache")


class TolerantRedisCache(RedisCache):
    """Django's RedisCache whose failures read as a miss (logged once per outage, like the layer's)."""

    _down = False

    def _tolerant(self, call: Callable[[], Any], fallback: Any) -> Any:  # noqa: ANN401 - any cached value
        try:
            result = call()
        except (RedisError, OSError) as error:
            if not TolerantRedisCache._down:
                TolerantRedisCache._down = True
                logger.warning("cache unavailable (%s): carrying on without it", type(error).__name__)
            return fallback
        if TolerantRedisCache._down:
            TolerantRedisCache._down = False
            logger.warning("cache available again")
        return result

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:  # noqa: ANN401
        return self._tolerant(lambda: super(TolerantRedisCache, self).add(key, value, timeout, version), True)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:  # noqa: ANN401
        return self._tolerant(lambda: super(TolerantRedisCache, self).get(key, default, version), default)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:  # noqa: ANN401
        self._tolerant(lambda: super(TolerantRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:  # noqa: ANN401
        return self._tolerant(lambda: super(TolerantRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._tolerant(lambda: super(TolerantRedisCache, self).delete(key, version), False)

    def get_many(self, keys: list[str], version: int | None = None) -> dict:
        return self._tolerant(lambda: super(TolerantRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._tolerant(lambda: super(TolerantRedisCache, self).has_key(key, version), False)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self._tolerant(lambda: super(TolerantRedisCache, self).incr(key, delta, version), delta)
