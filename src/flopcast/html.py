"""Rich display in notebooks: the HTML (no JavaScript, no network) and compact text that objects show.

Objects keep thin ``_repr_html_`` methods that call the functions here, so the layout lives in one place.
"""

from __future__ import annotations

import html as _html

__all__ = ["escape"]


def escape(text: object) -> str:
    """Escape text for HTML.

    Examples
    --------
    >>> from flopcast.html import escape
    >>> escape("a < b")
    'a &lt; b'
    """
    return _html.escape(str(text), quote=True)
