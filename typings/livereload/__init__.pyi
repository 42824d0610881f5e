# What docsite uses of livereload 2.7 (livereload/server.py), which ships no types.
from _typeshed.wsgi import WSGIApplication
from livereload.watcher import Watcher

class Server:
    app: WSGIApplication | None
    watcher: Watcher
    def __init__(self, app: WSGIApplication | None = None, watcher: Watcher | None = None) -> None: ...
    def serve(self, port: int = 5500, liveport: int | None = None, host: str | None = None,
              root: str | None = None, debug: bool | None = None, open_url: bool = False,
              restart_delay: float = 2, open_url_delay: float | None = None, live_css: bool = True,
              default_filename: str = "index.html") -> None: ...
