# What docsite uses of livereload 2.7 (livereload/handlers.py), which ships no types.
from livereload.watcher import Watcher
from tornado.web import RequestHandler
from tornado.websocket import WebSocketHandler

class LiveReloadHandler(WebSocketHandler):
    watcher: Watcher | None
    @classmethod
    def reload_waiters(cls, path: str | None = None) -> None: ...

class LiveReloadJSHandler(RequestHandler):
    def get(self) -> None: ...
