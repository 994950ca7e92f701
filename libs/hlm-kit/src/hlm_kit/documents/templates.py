"""The Jinja2 environment of a service's document templates."""

from __future__ import annotations

import jinja2
from markupsafe import Markup

# Fonts Debian installs with fonts-dejavu-core and fonts-liberation: every glyph a report prints must come
# from a font on the machine, since the renderer fetches nothing.
FONT_STACK = '"DejaVu Sans", "Liberation Sans", Arial, sans-serif'


def _figure(value: float | int | None, places: int = 2) -> str:
    """A published figure as printed: fixed decimals, an en dash when there is none."""
    if value is None:
        return "\u2013"
    return f"{value:.{places}f}"


def _signed(value: float | int | None, places: int = 2) -> str:
    """A difference as printed, always with its sign (a true minus sign, which screen readers announce)."""
    if value is None:
        return "\u2013"
    return f"{value:+.{places}f}".replace("-", "\u2212")


def template_environment(package: str, directory: str = "templates") -> jinja2.Environment:
    """The Jinja2 environment for the templates in ``package``'s ``directory``.

    Autoescaping is on for every template: documents print what people wrote (comments, names), which must
    print as written and never as markup. Undefined names fail loudly, so a template cannot silently print
    nothing where a figure was expected. Filters: ``figure`` (two decimals, or an en dash for none) and
    ``signed`` (the same with a sign).
    """
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader(package, directory),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    environment.filters["figure"] = _figure
    environment.filters["signed"] = _signed
    # For the template's CSS: a constant of ours, so marked safe (escaped, its quotes would break the CSS).
    environment.globals["font_stack"] = Markup(FONT_STACK)  # noqa: S704
    return environment
