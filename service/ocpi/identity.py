"""Who this CSMS is to roaming partners: its CPO role's country code, party id and name.

Set with ``paalwerk service`` options or in code (`service.services.ServiceConfig.ocpi`);
the defaults suit a demo, not a national roaming body, which assigns the party id.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.ocpi.models import BusinessDetails, Credentials, CredentialsRole, Role


@dataclass(frozen=True)
class OcpiIdentity:
    country_code: str = "NL"
    party_id: str = "PWK"
    name: str = "Paalwerk"
    website: str | None = None

    def credentials(self, token: str, versions_url: str) -> Credentials:
        """Our credentials object, carrying the token the partner is to use with us."""
        return Credentials(token=token, url=versions_url, roles=[CredentialsRole(
            role=Role.CPO, party_id=self.party_id, country_code=self.country_code,
            business_details=BusinessDetails(name=self.name, website=self.website))])
