"""Jinja2 with the NHS.UK frontend's macros (nhsuk-frontend-jinja) beside the web front's own templates."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Hashable, Iterable, MutableMapping
from typing import Any

import jinja2
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from hlm_web import csrf


class _Environment(jinja2.Environment):
    """Jinja's environment, each template's globals a plain dict made as it is loaded rather than a ChainMap
    over the environment's.

    Every ``{% from ... import %}`` a page runs (the NHS.UK page template imports four macro files, on every
    render) asks which of the page's globals the imported template lacks; over ChainMaps that question is
    answered in Python, key by key, a tenth of a plain page's render. The environment's globals are all set
    before any template is loaded (create_templates, Jinja2Templates), as Jinja asks, so a copy made at
    loading misses nothing."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def create_templates() -> Jinja2Templates:
    environment = _Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.PackageLoader("hlm_web", "templates"), jinja2.PackageLoader("nhsuk_frontend_jinja", "templates")]
        ),
        autoescape=True,
        # The NHS.UK macros read optional parameters as chains (params.hint.text) that may be absent.
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship inside the package and never change while it runs; checking ~700 files on disk
        # for changes on every render more than doubled a page's cost.
        auto_reload=False,
        # Every template loaded is kept, in a plain dict: Jinja's bounded cache (400 by default) takes a lock
        # and searches its queue of names on every lookup, and a page looks up a template for each of its
        # imports and kept components. The templates are the package's files, a bounded set.
        cache_size=-1,
    )
    environment.globals["component"] = ComponentCache(environment)
    fragments = FragmentCache(environment)
    environment.globals["fragment"] = fragments
    environment.globals["fragments"] = fragments.each
    environment.globals["signed_out_frame"] = SignedOutFrame(environment)
    return Jinja2Templates(env=environment)


class SignedOutFrame:
    """``signed_out_frame.parts`` in ``_signed_out_frame.html``: the NHS.UK page around every page of someone
    signed out (``_frame.html``: the page template, the header, footer and skip link), rendered once and cut
    where a page puts its own (the title, the inline script's nonce, the blocks before and in ``<main>``).

    Signed out, that frame is the same HTML on every page, yet rendering it through the NHS.UK page template
    (its four imports, its attributes macro twice, a dozen optional variables looked up and found undefined)
    was half of a plain page's render, on every page a rater sees. No page sets any of the template's
    options (``htmlLang``, ``mainClasses``, ...), so the frame is rendered with none, as each page rendered it.
    Made on first use, as templates are loaded, so the environment's globals are all set by then."""

    # Marks where the page's own parts go, in the order the frame holds them; no page's text holds them.
    SLOTS = ("\x00title\x00", "\x00nonce\x00", "\x00beforeContent\x00", "\x00content\x00")

    _CUT = (
        '{% extends "_frame.html" %}'
        "{% block pageTitle %}{{ slots[0] }}{% endblock %}"
        "{% block beforeContent %}{{ slots[2] }}{% endblock %}"
        "{% block content %}{{ slots[3] }}{% endblock %}"
    )

    def __init__(self, environment: jinja2.Environment) -> None:
        self._environment = environment

    @functools.cached_property
    def parts(self) -> tuple[Markup, ...]:
        """The frame's HTML before, between and after the slots: one more part than slots."""
        slots = tuple(Markup(slot) for slot in self.SLOTS)  # noqa: S704  (constants, above)
        # What an autoescaping environment renders is HTML it has escaped itself, as a macro's Markup is.
        html = Markup(self._environment.from_string(self._CUT).render(slots=slots, person=None, cspNonce=slots[1]))  # noqa: S704
        parts: list[Markup] = []
        for slot in slots:
            before, found, html = html.partition(slot)
            if not found or slot in html:
                raise RuntimeError(f"the page frame does not hold {slot!r} exactly once")
            parts.append(before)
        parts.append(html)
        return tuple(parts)


class ComponentCache:
    """``component("radios", params)`` in a template: the NHS.UK component's own macro, its output kept.

    A questionnaire page shows each statement as the radios component, and that macro calls the label,
    hint, heading and attributes macros for every radio: some 800 macro calls, almost all of a page's
    cost. Yet a statement's radios differ from one rater to the next only in which one is chosen (and an
    error message): with the same parameters, the macro gives the same HTML, so it is rendered once per
    set of parameters and kept. Parameters holding anything but plain data (HTML already marked safe, an
    undefined value) are rendered afresh each time, as the macro would be."""

    # A questionnaire's statements times their answers (four levels, not observed, none), with room for
    # error messages and several questionnaire versions: a few megabytes at most.
    MAX_ENTRIES = 8192

    def __init__(self, environment: jinja2.Environment) -> None:
        self._environment = environment
        self._rendered = _Rendered(self.MAX_ENTRIES)

    def __call__(self, name: str, params: dict[str, Any]) -> Markup:
        key = _frozen((name, params))
        if key is not None and (kept := self._rendered.get(key)) is not None:
            return kept
        macro_name = "".join(part.capitalize() if i else part for i, part in enumerate(name.split("-")))
        module = self._environment.get_template(f"nhsuk/components/{name}/macro.jinja").module
        # A macro of an autoescaping environment returns Markup: HTML it has escaped itself.
        rendered: Markup = getattr(module, macro_name)(params)
        if key is not None:
            self._rendered.keep(key, rendered)
        return rendered


class FragmentCache:
    """``fragment("answer/_dimension_fields.jinja", "statement", *args)`` in a template: a macro of the web
    front's own templates, its output kept per arguments.

    ``component()`` keeps a component's HTML too, but must build its parameters and a key of them, nested
    dicts and lists, on every call: for a statement's radios, more than rendering the rest of its page. A
    statement is the same HTML for every rater who gives it the same answer, and is named by a few plain
    values (its questionnaire, dimension and number, the answer, the message), so the macro that lays it out
    is called through this instead, keyed by those values: one cheap lookup per statement, for any rater.
    The macro must depend on its arguments alone (imported without the page's context, it sees nothing else
    but the environment's globals).

    Only values that cannot change once made are a key: strings, whole numbers, None, tuples of them and
    frozen dataclasses (a questionnaire, whose hash is worked out once). Anything else (a dict, a list, an
    object compared by identity, whose id a later object may reuse) is rendered afresh each time, as a plain
    macro call would be. Truth values and floats are rendered afresh too: True and 1 are equal as keys."""

    # A questionnaire's statements times their answers and messages: some 600 for the HLM 360, with room
    # for several questionnaires and for comment boxes as raters left them; each about 1.5 KB. The least
    # recently used go first, so the statements every page shows stay.
    MAX_ENTRIES = 4096

    def __init__(self, environment: jinja2.Environment) -> None:
        self._environment = environment
        self._rendered = _Rendered(self.MAX_ENTRIES)

    def __call__(self, template: str, macro: str, *args: Any) -> Markup:
        key = (template, macro, args) if _immutable(args) else None
        if key is not None and (kept := self._rendered.get(key)) is not None:
            return kept
        rendered: Markup = getattr(self._environment.get_template(template).module, macro)(*args)
        if key is not None:
            self._rendered.keep(key, rendered)
        return rendered

    def each(self, template: str, macro: str, calls: Iterable[tuple[Any, ...]], between: str = "\n") -> Markup:
        """``fragments("answer/_dimension_fields.jinja", "statement", calls)`` in a template: the macro once
        per tuple of arguments in ``calls``, each kept as ``fragment()`` keeps it, ``between`` (plain text,
        escaped) between each and the next.

        For a list of fragments, such as a page's questions: the arguments are put together in Python (the
        page's context) and the template makes one call, where a Jinja loop calling ``fragment()`` made a
        template call, and looked up each argument through Jinja, for every question."""
        # Each fragment is HTML the macro escaped itself (Markup), kept or just rendered, so they are joined as
        # they are: Markup.join would escape each again, a Python call and a copy per fragment.
        fragments: list[Markup] = [self(template, macro, *args) for args in calls]
        return Markup(str.join(escape(between), fragments))  # noqa: S704  (Markup and escaped text only)


class _Rendered:
    """HTML kept by its key, the least recently used let go beyond ``max_entries``: the store of both
    caches above. An ``OrderedDict`` rather than a general cache library: it is looked up for every
    statement of every page, and its lookups run in C."""

    def __init__(self, max_entries: int) -> None:
        self._max_entries = max_entries
        self._entries: OrderedDict[Hashable, Markup] = OrderedDict()

    def get(self, key: Hashable) -> Markup | None:
        kept = self._entries.get(key)
        if kept is not None:
            self._entries.move_to_end(key)
        return kept

    def keep(self, key: Hashable, rendered: Markup) -> None:
        self._entries[key] = rendered
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)


def _immutable(value: Any) -> bool:
    kind = type(value)
    if kind is str or kind is int or value is None:
        return True
    if kind is tuple:
        # A loop rather than all() over a generator, and a plain item told here rather than by a call for
        # each: called for every fragment of every page.
        for item in value:
            item_kind = type(item)
            if item_kind is str or item_kind is int or item is None:
                continue
            if not _immutable(item):
                return False
        return True
    return _frozen_dataclass(kind)


# Whether each type given to a fragment is a frozen dataclass, worked out once per type.
_FROZEN_DATACLASS: dict[type, bool] = {}


def _frozen_dataclass(kind: type) -> bool:
    frozen = _FROZEN_DATACLASS.get(kind)
    if frozen is None:
        params = getattr(kind, "__dataclass_params__", None)
        frozen = _FROZEN_DATACLASS[kind] = params is not None and bool(params.frozen)
    return frozen


# Numbers and truth values are kept with their type: True, 1 and 1.0 are equal as keys, but render apart.
_TYPED = frozenset({int, float, bool})


def _frozen(value: Any) -> Hashable | None:
    """A hashable copy of plain data (dicts, lists, strings, numbers), or None when it holds anything
    else: text marked safe renders differently from the same text unmarked, so it is never a key.

    Types are compared exactly (``type(v) is str``), which is what keeps ``Markup``, a ``str``, out; a
    dict's keys keep their order rather than being sorted, so the same parameters written in another
    order are kept apart, which costs a render, never a wrong page. Called for every component a page
    shows, so it does no more than that."""
    kind = type(value)
    if kind is str or value is None:
        plain: str | None = value
        return plain
    if kind in _TYPED:
        return (kind, value)
    if kind is dict:
        frozen: list[Hashable] = [dict]
        for k, v in value.items():
            if type(k) is not str:
                return None
            item = _frozen(v)
            if item is None and v is not None:
                return None
            frozen += (k, item)
        return tuple(frozen)
    if kind is list or kind is tuple:
        frozen = [list]
        for v in value:
            item = _frozen(v)
            if item is None and v is not None:
                return None
            frozen.append(item)
        return tuple(frozen)
    return None


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """A page, with its CSP nonce and, for pages that hold a form, the CSRF token the form sends back."""
    from hlm_web.signin.session import signed_in

    templates: Jinja2Templates = request.app.state.templates
    token, signed = csrf.tokens_for(request)
    # The template rendered and answered as HTML directly: Starlette's TemplateResponse adds, on every page,
    # the request to the context and a look for a test client's debug extension, which no page uses.
    html = templates.get_template(template).render(
        {
            "cspNonce": request.state.csp_nonce,
            "csrf_token": token,
            "person": signed_in(request) if "session" in request.scope else None,
            **(context or {}),
        }
    )
    response = HTMLResponse(html, status_code=status_code)
    csrf.set_cookie(request, signed, response)
    return response
