"""Jinja2 with the NHS.UK frontend's macros (nhsuk-frontend-jinja) beside the web front's own templates."""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import HTMLResponse

from hlm_web import csrf


def create_templates() -> Jinja2Templates:
    environment = jinja2.Environment(
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
    )
    return Jinja2Templates(env=environment)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """A page, with its CSP nonce and, for pages that hold a form, the CSRF token the form sends back."""
    from hlm_web.signin.session import signed_in

    templates: Jinja2Templates = request.app.state.templates
    token, signed = csrf.tokens_for(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "cspNonce": request.state.csp_nonce,
            "csrf_token": token,
            "person": signed_in(request) if "session" in request.scope else None,
            **(context or {}),
        },
        status_code=status_code,
    )
    csrf.set_cookie(request, signed, response)
    return response
