"""Which OCPI routers the service mounts, each with its guard — kept here so that
`service.app.create_app` has one flat router list and the OCPI modules' wiring (which ones
exist depends on what `build_services` made) lives beside the modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter

from service.ocpi.charging_profiles import build_charging_profiles_router
from service.ocpi.commands import build_commands_router
from service.ocpi.locations_routes import build_locations_router
from service.ocpi.partners_api import build_partners_router
from service.ocpi.routes import build_ocpi_router
from service.ocpi.tariffs import build_tariffs_api_router, build_tariffs_router
from service.ocpi.tokens import build_tokens_router

if TYPE_CHECKING:
    from service.services import Services

OCPI_OWN: list[Any] = []
"""The partners' guard: every OCPI route checks OCPI's ``Token`` header itself
(`service.ocpi.registry.Registry.authenticate`); operators' tokens mean nothing here."""


def ocpi_routers(s: Services, operator: list[Any]) -> list[tuple[APIRouter, list[Any]]]:
    """(router, guard) for every OCPI route: the partners' `/ocpi/...` and the operators'
    `/api/v1/ocpi/...`; none when the service has no OCPI registry."""
    if s.ocpi is None:
        return []
    repository, connections, clock = s.async_repository, s.connections, s.clock
    routers: list[tuple[APIRouter, list[Any]]] = [
        (build_ocpi_router(s.ocpi, clock), OCPI_OWN),
        (build_locations_router(s.ocpi, repository, clock, s.ocpi_tariffs), OCPI_OWN),
    ]
    if s.ocpi_tariffs is not None:
        routers += [(build_tariffs_router(s.ocpi, s.ocpi_tariffs, clock), OCPI_OWN),
                    (build_tariffs_api_router(s.ocpi_tariffs, repository, clock), operator)]
    if s.ocpi_tokens is not None and s.ocpi_profiles is not None:
        changed = (s.local_list_pusher.register_changed if s.settings.push_local_lists
                   else None)
        routers += [
            (build_tokens_router(s.ocpi, s.ocpi_tokens, s.id_tags, clock, changed=changed),
             OCPI_OWN),
            (build_commands_router(s.ocpi, connections, repository, s.ocpi_tokens,
                                   s.id_tags, clock), OCPI_OWN),
            (build_charging_profiles_router(s.ocpi, s.ocpi_profiles, repository,
                                            s.ocpi_tokens, clock), OCPI_OWN)]
    routers.append((build_partners_router(s.ocpi, repository), operator))
    return routers
