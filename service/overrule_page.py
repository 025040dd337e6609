"""The driver's overrule page: ``/o/{pole}/{connector}``, reached by the QR code on the pole.

eis 28: a driver can lift the evening peak limit for their own transaction from a
phone, without an app. eis 29: the pole informs drivers about the profile in Dutch.
The page is plain server-rendered HTML that works on any phone; the button sends the
pole ``DataTransfer Overrule`` (source ``phone``) and the overrule is stored with the
transaction for the eis 25 reports.
"""

from __future__ import annotations

import html
import io
import logging
from typing import Any

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from qrcode.image.pure import PyPNGImage

from service.policy.overrule import overrule as overrule_transaction
from service.policy.overrule import running_transaction
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)

OVERRULE_TIMEOUT_S = 15.0

_STYLE = """body{font-family:system-ui,sans-serif;max-width:32rem;margin:1.5rem auto;padding:0 1rem;
line-height:1.5;color:#1b1b1b}h1{font-size:1.4rem}.box{border-radius:.75rem;padding:1rem;
background:#eef4fb;margin:1rem 0}.ok{background:#e6f4ea}.warn{background:#fdecea}
button{font-size:1.15rem;padding:.9rem 1.2rem;border:0;border-radius:.6rem;background:#0b5cad;
color:#fff;width:100%}small{color:#555}"""

_EXPLANATION = (
    "Tussen 17:00 en 21:00 is het stroomnet in deze wijk het drukst. Daarom laadt deze paal "
    "dan met minder vermogen (standaard 7 A per fase). Heeft u haast? Dan kunt u de beperking "
    "voor uw eigen laadsessie opheffen; u laadt dan met maximaal 25 A per fase.")


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    document = (f'<!doctype html><html lang="nl"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width,initial-scale=1">'
                f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
                f"<body><h1>{html.escape(title)}</h1>{body}</body></html>")
    return HTMLResponse(document, status_code=status_code)


def build_overrule_router(connections: Any, repository: AsyncRepository) -> APIRouter:
    router = APIRouter()

    async def known(pole_id: str) -> bool:
        return await repository.get_pole(pole_id) is not None

    def unknown(pole_id: str) -> HTMLResponse:
        return _page("Laadpaal niet gevonden",
                     f'<div class="box warn">Laadpaal {html.escape(pole_id)} is ons niet '
                     "bekend. Controleer de code op de paal.</div>", 404)

    @router.get("/o/{pole_id}/{connector_id}", response_class=HTMLResponse)
    async def overrule_page(pole_id: str, connector_id: int) -> HTMLResponse:
        if not await known(pole_id):
            return unknown(pole_id)
        transaction = await running_transaction(repository, pole_id, connector_id)
        where = f"Laadpaal {html.escape(pole_id)}, aansluiting {connector_id}"
        if transaction is None:
            return _page("Piekbeperking opheffen",
                         f"<p>{where}</p><div class='box'>{_EXPLANATION}</div>"
                         "<div class='box warn'>Er loopt op deze aansluiting nu geen "
                         "laadsessie. Start eerst met laden en open deze pagina daarna "
                         "opnieuw.</div>")
        if transaction.overruled_at is not None:
            return _page("Piekbeperking opgeheven",
                         f"<p>{where}</p><div class='box ok'>Voor deze laadsessie is de "
                         "beperking al opgeheven.</div>")
        return _page("Piekbeperking opheffen",
                     f"<p>{where}</p><div class='box'>{_EXPLANATION}</div>"
                     f'<form method="post"><button type="submit">Beperking opheffen voor '
                     f"deze laadsessie</button></form><p><small>Geldt alleen voor de "
                     f"huidige laadsessie.</small></p>")

    @router.post("/o/{pole_id}/{connector_id}", response_class=HTMLResponse)
    async def overrule(pole_id: str, connector_id: int) -> HTMLResponse:
        if not await known(pole_id):
            return unknown(pole_id)
        where = f"<p>Laadpaal {html.escape(pole_id)}, aansluiting {connector_id}</p>"
        result = await overrule_transaction(connections, repository, pole_id, connector_id,
                                            "phone")
        try:  # a driver's action on a pole belongs in the audit trail too (eis 69)
            await repository.audit("driver (phone)", f"Overrule connector {connector_id}",
                                   result.detail or "", pole_id=pole_id,
                                   result=result.outcome)
        except Exception:
            LOGGER.exception("%s: overrule not recorded in the audit trail", pole_id)
        if result.outcome == "NoTransaction":
            return _page("Geen laadsessie", where + "<div class='box warn'>Er loopt op deze "
                         "aansluiting geen laadsessie om op te heffen.</div>", 409)
        if result.outcome == "PoleOffline":
            return _page("Paal niet bereikbaar", where + "<div class='box warn'>De laadpaal is "
                         "op dit moment niet bereikbaar. Gebruik de knop op de paal of probeer "
                         "het over een paar minuten opnieuw.</div>", 503)
        if result.outcome == "NotConfirmed":
            return _page("Niet gelukt", where + "<div class='box warn'>De laadpaal heeft het "
                         "opheffen niet bevestigd. Probeer het opnieuw of gebruik de knop op "
                         "de paal.</div>", 502)
        return _page("Piekbeperking opgeheven", where + "<div class='box ok'>Gelukt: voor deze "
                     "laadsessie is de beperking opgeheven. U laadt nu met maximaal 25 A per "
                     "fase.</div>")

    @router.get("/o/{pole_id}/{connector_id}/qr.{kind}")
    async def qr_code(pole_id: str, connector_id: int, kind: str, request: Request) -> Response:
        """The sticker on the pole: a QR code of this page's absolute address."""
        target = str(request.url_for("overrule_page", pole_id=pole_id,
                                     connector_id=str(connector_id)))
        buffer = io.BytesIO()
        if kind == "svg":
            qrcode.make(target, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
            return Response(buffer.getvalue(), media_type="image/svg+xml")
        if kind == "png":
            qrcode.make(target, image_factory=PyPNGImage, box_size=10).save(buffer)
            return Response(buffer.getvalue(), media_type="image/png")
        return Response("QR codes come as .svg or .png", status_code=404,
                        media_type="text/plain")

    return router
