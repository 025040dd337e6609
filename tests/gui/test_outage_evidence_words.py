"""The outage board's evidence in the app's language (issue 19): the app words every
finding the service's rules can make from its code and parameters, and, untranslated,
says exactly what the service says."""

from __future__ import annotations

from datetime import timedelta

from gui.outages.board import OutageBoardModel
from gui.outages.evidence_words import CODES, evidence_text
from pole_link.service_outages import EvidenceRecord
from service.outages import rules
from service.outages.reads import _record
from service.outages.rules import (
    FirmwareStatus,
    LowCurrent,
    Offer,
    Security,
    Session,
    Status,
    board,
)
from tests.service.test_outage_rules import NOW, available, local, steady, street_losing_power


def tr(_context: str, text: str) -> str:
    return text


def every_finding() -> list[rules.BoardEntry]:
    """Histories that make every kind of finding at least once."""
    cut = local(10, 3)
    quiet_street = [steady(f"PW-01{i:02d}", area="Liander/AR-3", connected=i == 0,
                           sessions=(Session(local(1, 8), cut + timedelta(seconds=i),
                                             "dropped"),
                                     *((Session(local(10, 4)),) if i == 0 else ())))
                    for i in range(3)]
    flaky = steady("PW-0200", sessions=(
        Session(local(8, 8), local(8, 8, 5), "dropped"),
        Session(local(8, 8, 6), local(8, 8, 9), "silent"),
        Session(local(9, 14), local(9, 14, 12), "dropped"), Session(local(9, 14, 13))),
        statuses=(*available(local(1, 8)), Status(local(11, 7), 0, "Available", "WeakSignal")))
    nowhere = steady("PW-0201", area=None, connected=False,
                     sessions=(Session(local(1, 8), local(11, 2), "dropped"),))
    service_gone = steady("PW-0202", connected=False,
                          sessions=(Session(local(1, 8), local(11, 23), "service-stopped"),))
    trips = [*available(local(1, 8))]
    for day in (8, 9, 10):
        trips += [Status(local(day, 18, 15), 1, "Faulted", "GroundFailure"),
                  Status(local(day, 18, 40), 1, "Available"),
                  Status(local(day, 9, 15), 0, "Faulted", "HighTemperature"),
                  Status(local(day, 9, 40), 0, "Available")]
    trips.append(Status(local(11, 9), 2, "Faulted", "ConnectorLockFailure"))
    hardware = steady("PW-0300", statuses=tuple(trips))
    loop = tuple(Session(local(10, 2, 1 + 5 * i), local(10, 2, 4 + 5 * i), "dropped")
                 for i in range(4))
    firmware = steady("PW-0400", connected=False,
                      sessions=(Session(local(1, 8), local(10, 1, 55), "closed"), *loop),
                      firmware=(FirmwareStatus(local(10, 2), "Installed"),
                                FirmwareStatus(local(11, 3), "InstallationFailed")))
    capacity = steady("PW-0500", statuses=(
        *available(local(1, 8)), Status(local(9, 17, 40), 2, "SuspendedEVSE"),
        Status(local(9, 18, 30), 2, "Charging")),
        low_current=(LowCurrent(local(9, 17, 5), 1), LowCurrent(local(11, 19), 1)),
        offers=(Offer(local(9, 18), 1, 4.5),))
    security = steady("PW-0600", security=(
        Security(local(11, 3), "CredentialsWrong", "wrong password"),
        Security(local(11, 4), "TamperDetectionActivated")))
    not_back = steady("PW-0700", connected=False,
                      sessions=(Session(local(1, 8), local(12, 8), "service-stopped"),))
    return [*board([*street_losing_power(), *quiet_street, flaky, nowhere, service_gone,
                    hardware, firmware, capacity, security], NOW),
            *board([not_back], NOW, restarted=local(12, 10))]


def test_every_evidence_code_the_service_makes_is_worded_by_the_app() -> None:
    """A finding added to the rules without a sentence here would reach the helpdesk in
    English (or a code the app words but the service never sends is dead text)."""
    assert rules.EVIDENCE_CODES == CODES
    made = {e.code for entry in every_finding() for e in entry.evidence}
    assert made == rules.EVIDENCE_CODES, "the scripted histories make every finding"


def test_untranslated_the_app_says_exactly_what_the_service_says() -> None:
    """The parameters carry everything the sentence holds: the app's English, from the
    code, equals the service's sentence, times on the pole's wall clock included."""
    model = OutageBoardModel()
    for entry in every_finding():
        record = _record(entry, None, None)
        for evidence in record.evidence:
            assert evidence.code is not None
            # the API's JSON round trip keeps code and parameters
            again = EvidenceRecord.from_json(evidence.to_json())
            assert again == evidence
            assert evidence_text(again, tr, model.local) == evidence.text, evidence.code


def test_the_helpdesk_reads_a_finding_in_dutch() -> None:
    dutch = {"Socket %1 reported %2 %3 times since %4, %5 of them in the evening peak.":
             "Laadpunt %1 meldde %3 keer %2 sinds %4, %5 keer in de avondpiek.",
             "It is Faulted now (since %1).": "Het is nu in storing (sinds %1)."}

    def nl(_context: str, text: str) -> str:
        return dutch.get(text, text)

    record = EvidenceRecord(
        "Socket 1 reported GroundFailure 4 times since 2026-06-08 18:15, 4 of them in the "
        "evening peak. It is Faulted now (since 2026-06-11 18:15).", {}, "hardware.trips",
        {"connector": 1, "error_code": "GroundFailure", "count": 4,
         "first": "2026-06-08T16:15:00+00:00", "evenings": 4,
         "faulted_since": "2026-06-11T16:15:00+00:00"})
    assert evidence_text(record, nl, OutageBoardModel().local) == (
        "Laadpunt 1 meldde 4 keer GroundFailure sinds 2026-06-08 18:15, 4 keer in de "
        "avondpiek. Het is nu in storing (sinds 2026-06-11 18:15).")


def test_an_unknown_code_or_unusable_parameters_show_the_service_s_sentence() -> None:
    local = OutageBoardModel().local
    newer = EvidenceRecord("A newer finding.", {}, "grid.meteor_strike", {"craters": 1})
    older = EvidenceRecord("A finding of a service without codes.")
    broken = EvidenceRecord("Offline since then.", {}, "telecom.offline_alone",
                            {"offline_since": "yesterday"})
    assert [evidence_text(e, tr, local) for e in (newer, older, broken)] == [
        "A newer finding.", "A finding of a service without codes.", "Offline since then."]
    assert EvidenceRecord.from_json({"text": "Old.", "facts": {"n": 1}}) == \
        EvidenceRecord("Old.", {"n": 1})
