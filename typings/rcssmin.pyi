# What docsite uses of rcssmin 1.x, which ships no types: text in, text out; bytes in, bytes out.
from typing import overload

@overload
def cssmin(style: str, keep_bang_comments: bool = False) -> str: ...
@overload
def cssmin(style: bytes, keep_bang_comments: bool = False) -> bytes: ...
