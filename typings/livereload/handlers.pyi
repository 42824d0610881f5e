# What docsite uses of livereload 2.7 (livereload/handlers.py), which ships no types.
class LiveReloadHandler:
    @classmethod
    def reload_waiters(cls, path: str | None = None) -> None: ...
