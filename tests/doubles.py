"""Test doubles shared by several test folders (tests/ is on sys.path, see conftest.py)."""

from records.storage.objects import StoreError


class FlakyStore:
    """Wraps a store; artefact writes fail ``failures`` times, like an object store that is restarting."""

    def __init__(self, inner, failures: int) -> None:
        self.inner, self.failures = inner, failures

    def put(self, key, data, content_type="application/octet-stream"):
        if key.startswith("artefacts/") and self.failures > 0:
            self.failures -= 1
            raise StoreError("object store server error: HTTP 503")
        return self.inner.put(key, data, content_type)

    def __getattr__(self, name):
        return getattr(self.inner, name)
