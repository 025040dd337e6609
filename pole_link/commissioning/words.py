"""The words the automatic checks write into a run: templates with their arguments, and
the one catalogue of those templates with their Dutch text.

A check's evidence label ("PoleId on the pole"), its word values ("passed", "never") and
its message ("The pole's clock is %1. …") are stored as `Words`: the English source text
with ``%1``-style placeholders plus the arguments. The record therefore stays
language-neutral — a run started in Dutch resumes in English, a signed report verifies
whatever language its reader uses — and each reader translates when it shows the words:
the GUI through Qt (`QCoreApplication.translate(CONTEXT, template)`, the lead's lupdate
finds the ``QT_TRANSLATE_NOOP`` marks below), the Qt-free PDF through `DUTCH`.

Arguments that are words themselves are `Words` too (translated with the sentence);
plain strings are data (a pole ID, "230 V", an OCPP status) and are shown as given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["CONTEXT", "DUTCH", "Translate", "Words", "dutch", "english", "shown"]

CONTEXT = "CommissioningChecks"
"""The Qt translation context of every check word."""

Translate = Callable[[str, str], str]
"""``translate(context, source_text)``: `QCoreApplication.translate`'s shape."""


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - lupdate finds this name
    """Marks ``text`` for the Qt translation without importing Qt: the GUI translates."""
    return text


def english(context: str, text: str) -> str:
    return text


@dataclass(frozen=True)
class Words:
    """A translatable template (English source, ``%1``…) and what fills it in."""

    template: str
    args: tuple[str | Words, ...] = ()

    def text(self, translate: Translate = english) -> str:
        shown_text = translate(CONTEXT, self.template)
        # Highest number first, so %1 never eats the start of %10.
        for number in range(len(self.args), 0, -1):
            shown_text = shown_text.replace(f"%{number}", shown(self.args[number - 1],
                                                                 translate))
        return shown_text

    def to_json(self) -> dict[str, Any]:
        return {"text": self.template, "args": [words_json(a) for a in self.args]}

    @classmethod
    def from_json(cls, data: Any) -> Words:
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ValueError(f"not check words: {data!r}")
        return cls(data["text"], tuple(words_from_json(a) for a in data.get("args", [])))


def shown(value: str | Words, translate: Translate = english) -> str:
    """A value as a reader sees it: words translated, data as given."""
    return value.text(translate) if isinstance(value, Words) else value


def words_json(value: str | Words) -> Any:
    """Data stays a JSON string; words become ``{"text": …, "args": […]}``."""
    return value.to_json() if isinstance(value, Words) else value


def words_from_json(data: Any) -> str | Words:
    return data if isinstance(data, str) else Words.from_json(data)


def dutch(context: str, text: str) -> str:
    """The Dutch of a check word (the PDF's translation); unknown text as given."""
    return DUTCH.get(text, text) if context == CONTEXT else text


DUTCH: dict[str, str] = {
    QT_TRANSLATE_NOOP("CommissioningChecks", "passed"): "geslaagd",
    QT_TRANSLATE_NOOP("CommissioningChecks", "failed"): "mislukt",
    QT_TRANSLATE_NOOP("CommissioningChecks", "FAILED"): "MISLUKT",
    QT_TRANSLATE_NOOP("CommissioningChecks", "%1: %2"): "%1: %2",
    QT_TRANSLATE_NOOP("CommissioningChecks", "%1 (%2)"): "%1 (%2)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "(none given)"): "(niet opgegeven)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "(empty)"): "(leeg)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "(not set)"): "(niet ingesteld)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "not checked"): "niet gecontroleerd",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Socket"): "Laadpunt",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Socket %1"): "Laadpunt %1",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Error"): "Fout",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Pole's answer"): "Antwoord van de paal",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole refused %1. The session is not authorised for writes: connect "
                      "with a service token (or the commissioning PIN of a new pole) and run "
                      "the step again."):
        "De paal weigerde %1. De sessie mag niet schrijven: verbind met een servicetoken (of "
        "de inbedrijfstellings-pincode van een nieuwe paal) en voer de stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole refused %1. Run the step again; if the pole keeps refusing, "
                      "note its answer and call the manufacturer."):
        "De paal weigerde %1. Voer de stap opnieuw uit; blijft de paal weigeren, noteer dan "
        "het antwoord en bel de fabrikant.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "a call of this check (%1)"):
        "een opdracht van deze controle (%1)",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The check could not run. Run the step again; if it keeps failing, "
                      "report the error shown."):
        "De controle kon niet worden uitgevoerd. Voer de stap opnieuw uit; mislukt hij steeds, "
        "meld dan de getoonde fout.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "ID on the sticker"): "ID op de sticker",
    QT_TRANSLATE_NOOP("CommissioningChecks", "PoleId on the pole"): "PoleId in de paal",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Pole's Hello"): "Hello van de paal",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Run for pole"): "Doorloop voor paal",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Pole"): "Paal",
    QT_TRANSLATE_NOOP("CommissioningChecks", "%1 %2, serial %3"): "%1 %2, serienummer %3",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Firmware"): "Firmware",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "No pole ID was given: type the ID printed on the pole's sticker and run "
                      "the step again."):
        "Er is geen paal-ID opgegeven: typ het ID dat op de sticker van de paal staat en voer "
        "de stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The sticker says %1 but the pole's PoleId is %2. Either the sticker is "
                      "wrong (replace it with the ID agreed with the grantor) or the pole is "
                      "configured wrong (set PoleId to the sticker's ID and reboot it), then "
                      "run the step again."):
        "Op de sticker staat %1, maar de PoleId van de paal is %2. Of de sticker is fout "
        "(vervang hem door het ID dat met de concessieverlener is afgesproken) of de paal is "
        "verkeerd ingesteld (zet PoleId op het ID van de sticker en herstart de paal); voer "
        "daarna de stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "This run is for pole %1 but this pole is %2: check the work order and "
                      "that you are connected to the right pole."):
        "Deze doorloop is voor paal %1, maar deze paal is %2: controleer de werkbon en of u "
        "met de juiste paal verbonden bent.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Pole's clock"): "Klok van de paal",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Laptop's clock"): "Klok van de laptop",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Offset"): "Afwijking",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Allowed"): "Toegestaan",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole's clock is %1. It sets its time from the back office at "
                      "BootNotification: check the CSMS connection step, then run this step "
                      "again (or check the laptop's own clock if it is the one off)."):
        "De klok van de paal loopt %1. De paal neemt zijn tijd over van het backoffice bij "
        "BootNotification: controleer de stap CSMS-verbinding en voer deze stap daarna opnieuw "
        "uit (of controleer de klok van de laptop als die afwijkt).",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Modem self-test"): "Zelftest modem",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Pole says"): "De paal meldt",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Checked via"): "Gecontroleerd via",
    QT_TRANSLATE_NOOP("CommissioningChecks", "the pole's modem test (no service connection given)"):
        "de modemtest van de paal (geen serviceverbinding opgegeven)",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "the pole's modem test (the service is not reachable: %1)"):
        "de modemtest van de paal (de service is niet bereikbaar: %1)",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole does not reach its back office (%1). Check the antenna, SIM "
                      "and APN and the pole's CSMS URL, then run this step again."):
        "De paal bereikt zijn backoffice niet (%1). Controleer antenne, simkaart en APN en de "
        "CSMS-URL van de paal en voer deze stap daarna opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Service"): "Service",
    QT_TRANSLATE_NOOP("CommissioningChecks", "does not know %1"): "kent %1 niet",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The service has never accepted a BootNotification from %1: check the "
                      "pole's CSMS URL and charge point id, and whether the service accepts "
                      "unknown poles, then run the step again."):
        "De service heeft nog nooit een BootNotification van %1 aangenomen: controleer de "
        "CSMS-URL en de charge point id van de paal en of de service onbekende palen aanneemt, "
        "en voer de stap daarna opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "connected"): "verbonden",
    QT_TRANSLATE_NOOP("CommissioningChecks", "not connected"): "niet verbonden",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Last seen"): "Laatst gezien",
    QT_TRANSLATE_NOOP("CommissioningChecks", "never"): "nooit",
    QT_TRANSLATE_NOOP("CommissioningChecks", "BootNotification answer"):
        "Antwoord op BootNotification",
    QT_TRANSLATE_NOOP("CommissioningChecks", "not in the service's log"):
        "niet in het logboek van de service",
    QT_TRANSLATE_NOOP("CommissioningChecks", "%1 at %2"): "%1 om %2",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Firmware (service)"): "Firmware (service)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "unknown"): "onbekend",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The service does not hold a connection from this pole. Check the "
                      "SIM/modem and the pole's CSMS URL, then run this step again (a "
                      "TriggerMessage BootNotification from here makes the pole announce "
                      "itself)."):
        "De service heeft geen verbinding met deze paal. Controleer simkaart/modem en de "
        "CSMS-URL van de paal en voer deze stap daarna opnieuw uit (een TriggerMessage "
        "BootNotification van hieruit laat de paal zich melden).",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The service answered the pole's BootNotification with %1: register the "
                      "pole at the service (or open its registration) and run this step again."):
        "De service beantwoordde de BootNotification van de paal met %1: registreer de paal "
        "bij de service (of open de registratie) en voer deze stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Connection (technician)"): "Netaansluiting (monteur)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Expected"): "Verwacht",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "Pick the connection size on the grid operator's label: %1."):
        "Kies de grootte van de netaansluiting op het label van de netbeheerder: %1.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "A %1 connection needs GridConnectionMaxCurrent = %2, the pole has %3. "
                      "Set it (ChangeConfiguration, or the pole's settings in the app) and run "
                      "the step again."):
        "Een netaansluiting van %1 vraagt GridConnectionMaxCurrent = %2, de paal heeft %3. "
        "Stel het in (ChangeConfiguration, of de instellingen van de paal in de app) en voer "
        "de stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "none"): "niets",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Connection"): "Netaansluiting",
    QT_TRANSLATE_NOOP("CommissioningChecks", "%1 (assumed: no size given)"):
        "%1 (aangenomen: geen grootte opgegeven)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "No tender profile for this connection: %1"):
        "Geen aanbestedingsprofiel voor deze netaansluiting: %1",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Installed now"): "Nu geïnstalleerd",
    QT_TRANSLATE_NOOP("CommissioningChecks", "tender profile of %1: %2"):
        "aanbestedingsprofiel van %1: %2",
    QT_TRANSLATE_NOOP("CommissioningChecks", "no (already in force)"): "nee (al van kracht)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "no"): "nee",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Composite schedule"): "Samengesteld schema",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Composite schedule (24 h)"):
        "Samengesteld schema (24 u)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Pole clock offset"): "Afwijking klok paal",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Differences"): "Verschillen",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole's own schedule does not follow the tender profile (see the "
                      "differences). Install the capacity profile again (from the service or "
                      "the Profiles view) and run this step again; if the times are off by "
                      "hours, check the pole's clock."):
        "Het eigen schema van de paal volgt het aanbestedingsprofiel niet (zie de "
        "verschillen). Installeer het capaciteitsprofiel opnieuw (vanuit de service of het "
        "scherm Profielen) en voer deze stap opnieuw uit; wijken de tijden uren af, controleer "
        "dan de klok van de paal.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Socket %1 self-test"): "Zelftest laadpunt %1",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Socket %1 in Live"): "Laadpunt %1 in Live",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Socket %1 not seen in Live"):
        "Laadpunt %1 niet gezien in Live",
    QT_TRANSLATE_NOOP("CommissioningChecks", "the LED self-test"): "de zelftest van de leds",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The LED self-test failed on socket %1: replace that socket's LED module "
                      "and run the step again."):
        "De zelftest van de leds mislukte op laadpunt %1: vervang de ledmodule van dat "
        "laadpunt en voer de stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "LightIntensity before"): "LightIntensity vooraf",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Wanted"): "Gewenst",
    QT_TRANSLATE_NOOP("CommissioningChecks", "LightIntensity after"): "LightIntensity achteraf",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole kept LightIntensity at %1 (%2). Set it from the back office "
                      "and run the step again."):
        "De paal hield LightIntensity op %1 (%2). Stel het in vanuit het backoffice en voer de "
        "stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "earth-fault (RCD) protection"):
        "aardlekbeveiliging (aardlekschakelaar)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "socket lock"): "vergrendeling van het laadpunt",
    QT_TRANSLATE_NOOP("CommissioningChecks", "energy meter"): "energiemeter",
    QT_TRANSLATE_NOOP("CommissioningChecks", "the %1 self-test"): "de zelftest van de %1",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The %1 of socket %2 did not pass its self-test. The socket must not be "
                      "used: check its RCD/RDC-DD module and wiring, replace the module if the "
                      "test fails again, and run the step again."):
        "De %1 van laadpunt %2 slaagde niet voor de zelftest. Het laadpunt mag niet worden "
        "gebruikt: controleer de aardlekschakelaar (RCD/RDC-DD-module) en de bedrading, "
        "vervang de module als de test weer mislukt en voer de stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The %1 of socket %2 did not pass its self-test. Check the lock actuator "
                      "and that nothing blocks the shutter, replace the actuator if the test "
                      "fails again, and run the step again."):
        "De %1 van laadpunt %2 slaagde niet voor de zelftest. Controleer de "
        "vergrendelingsmotor en of niets de klep blokkeert, vervang de motor als de test weer "
        "mislukt en voer de stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The %1 of socket %2 did not pass its self-test. Check the meter's "
                      "wiring and communication cable; a MID meter that fails must be replaced "
                      "before the pole may bill."):
        "De %1 van laadpunt %2 slaagde niet voor de zelftest. Controleer de bedrading en de "
        "communicatiekabel van de meter; een MID-meter die faalt moet worden vervangen voordat "
        "de paal mag factureren.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Socket %1 register"): "Telwerk laadpunt %1",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The meter register of socket %1 is not plausible. Check the meter and "
                      "its configuration; a MID meter that reads wrong must be replaced."):
        "Het telwerk van laadpunt %1 is niet aannemelijk. Controleer de meter en de "
        "instellingen; een MID-meter die verkeerd meet moet worden vervangen.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Mode 3 state"): "Mode 3-toestand",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Mode 3 states"): "Mode 3-toestanden",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "Socket %1 is not free (state %2): unplug any cable and run the step "
                      "again."):
        "Laadpunt %1 is niet vrij (toestand %2): haal de kabel eruit en voer de stap opnieuw "
        "uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Vehicle"): "Voertuig",
    QT_TRANSLATE_NOOP("CommissioningChecks", "simulated %1 (virtual pole)"):
        "gesimuleerde %1 (virtuele paal)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "test load plugged in by the technician"):
        "testbelasting ingeplugd door monteur",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole refused to start a charge (%1). Check the socket's status and "
                      "faults, then run the step again."):
        "De paal weigerde een laadsessie te starten (%1). Controleer de status en storingen "
        "van het laadpunt en voer de stap daarna opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "Waited %1 s for the vehicle to be plugged in. Check the cable and the "
                      "test load and run the step again."):
        "%1 s gewacht tot het voertuig werd ingeplugd. Controleer de kabel en de testbelasting "
        "en voer de stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "Waited %1 s for the vehicle to draw current (state C). Check the cable "
                      "and the test load and run the step again."):
        "%1 s gewacht tot het voertuig stroom trok (toestand C). Controleer de kabel en de "
        "testbelasting en voer de stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Current"): "Stroom",
    QT_TRANSLATE_NOOP("CommissioningChecks", "%1 A (L1/L2/L3)"): "%1 A (L1/L2/L3)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Highest current"): "Hoogste stroom",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Limit in force"): "Geldende limiet",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Offered (PWM)"): "Aangeboden (PWM)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "%1 at %2 %"): "%1 bij %2 %",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Transaction"): "Transactie",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The Mode 3 states did not go A → B → C. Check the control-pilot wiring "
                      "and run the step again."):
        "De Mode 3-toestanden gingen niet A → B → C. Controleer de bedrading van de control "
        "pilot en voer de stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The vehicle drew %1 A where %2 A was in force: the pole does not limit "
                      "the current. Do not release the pole; report it to the manufacturer."):
        "Het voertuig trok %1 A terwijl %2 A gold: de paal begrenst de stroom niet. Geef de "
        "paal niet vrij; meld het aan de fabrikant.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Running"): "Draait",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Approved"): "Goedgekeurd",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "No approved release is known: type the version on the work order."):
        "Er is geen goedgekeurde versie bekend: typ de versie van de werkbon.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole runs %1, not the approved %2. Install the approved release "
                      "(paalwerk firmware upload, or a rollout from the service) and run the "
                      "step again."):
        "De paal draait %1, niet de goedgekeurde %2. Installeer de goedgekeurde versie "
        "(paalwerk firmware upload, of een uitrol vanuit de service) en voer de stap opnieuw "
        "uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Security profile"): "Beveiligingsprofiel",
    QT_TRANSLATE_NOOP("CommissioningChecks", "%1 %2"): "%1 %2",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The checklist asks for security profile %1, which does not exist (0 to "
                      "3): have the checklist corrected; note the pole's profile by hand "
                      "meanwhile."):
        "De checklist vraagt om beveiligingsprofiel %1, dat niet bestaat (0 tot 3): laat de "
        "checklist verbeteren; noteer intussen het profiel van de paal met de hand.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "(not reported)"): "(niet gemeld)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Required"): "Vereist",
    QT_TRANSLATE_NOOP("CommissioningChecks", "at least %1"): "minstens %1",
    QT_TRANSLATE_NOOP("CommissioningChecks", "%1 key(s)"): "%1 sleutel(s)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Service's key"): "Sleutel van de service",
    QT_TRANSLATE_NOOP("CommissioningChecks", "not checked (no service connection given)"):
        "niet gecontroleerd (geen serviceverbinding opgegeven)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "not checked (the service is not reachable: %1)"):
        "niet gecontroleerd (de service is niet bereikbaar: %1)",
    QT_TRANSLATE_NOOP("CommissioningChecks", "missing"): "ontbreekt",
    QT_TRANSLATE_NOOP("CommissioningChecks", "on the pole"): "op de paal",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole does not report its security profile (%1). Ask the "
                      "manufacturer for a firmware that supports the OCPP security profiles, "
                      "and do not release the pole."):
        "De paal meldt zijn beveiligingsprofiel niet (%1). Vraag de fabrikant om firmware "
        "die de OCPP-beveiligingsprofielen ondersteunt, en geef de paal niet vrij.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole logs in to its back office at security profile %1; at least "
                      "%2 is required. Set the pole's password and profile at the service (the "
                      "pole's Security settings, or PUT /api/v1/poles/ID/security) and run the "
                      "step again once the pole has reconnected."):
        "De paal meldt zich bij zijn backoffice aan met beveiligingsprofiel %1; minstens %2 "
        "is vereist. Stel het wachtwoord en profiel van de paal in bij de service (de "
        "beveiligingsinstellingen van de paal, of PUT /api/v1/poles/ID/security) en voer de "
        "stap opnieuw uit zodra de paal opnieuw verbonden is.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole has no service-token keys: it is still factory-fresh and "
                      "opens its service port to the commissioning PIN. Connect the pole to "
                      "the service (it gets its keys when it boots there; a TriggerMessage "
                      "BootNotification will do), then run the step again."):
        "De paal heeft geen servicetokensleutels: hij staat nog in fabrieksinstelling en "
        "opent zijn servicepoort voor de inbedrijfstellings-pincode. Verbind de paal met de "
        "service (hij krijgt zijn sleutels als hij daar opstart; een TriggerMessage "
        "BootNotification is genoeg) en voer de stap daarna opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole's ServiceTokenKeys cannot be read (%1): have the service set "
                      "them again by rebooting the pole while it is connected, then run the "
                      "step again."):
        "De ServiceTokenKeys van de paal zijn onleesbaar (%1): laat de service ze opnieuw "
        "instellen door de paal te herstarten terwijl hij verbonden is, en voer de stap "
        "daarna opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The pole's service-token keys are not this service's: tokens from this "
                      "service will not open its service port. Check the pole's CSMS URL (it "
                      "may still point at another back office), reboot it so the service sets "
                      "its key, then run the step again."):
        "De servicetokensleutels van de paal zijn niet die van deze service: tokens van "
        "deze service openen zijn servicepoort niet. Controleer de CSMS-URL van de paal "
        "(misschien wijst die nog naar een andere backoffice), herstart hem zodat de service "
        "zijn sleutel instelt, en voer de stap daarna opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "%1 behind"): "%1 achter",
    QT_TRANSLATE_NOOP("CommissioningChecks", "%1 ahead"): "%1 voor",
    QT_TRANSLATE_NOOP("CommissioningChecks", "%1 the pole allows %2, the tender %3"):
        "%1 staat de paal %2 toe, de aanbesteding %3",
    QT_TRANSLATE_NOOP("CommissioningChecks", "the tender capacity profile"):
        "het capaciteitsprofiel van de aanbesteding",
    QT_TRANSLATE_NOOP("CommissioningChecks", "blinking %1"): "knipperend %1",
    QT_TRANSLATE_NOOP("CommissioningChecks", "off"): "uit",
    QT_TRANSLATE_NOOP("CommissioningChecks", "green"): "groen",
    QT_TRANSLATE_NOOP("CommissioningChecks", "light blue"): "lichtblauw",
    QT_TRANSLATE_NOOP("CommissioningChecks", "blue"): "blauw",
    QT_TRANSLATE_NOOP("CommissioningChecks", "red"): "rood",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The LEDs now cycle through every colour: watch them."):
        "De leds lopen nu alle kleuren door: kijk ernaar.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Plug the test load into socket %1."):
        "Steek de testbelasting in laadpunt %1.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Unplug the test load from socket %1."):
        "Haal de testbelasting uit laadpunt %1.",
    # ------------------------------------------------------------ technician steps
    QT_TRANSLATE_NOOP("CommissioningChecks", "confirmed"): "bevestigd",
    QT_TRANSLATE_NOOP("CommissioningChecks", "NO"): "NEE",
    QT_TRANSLATE_NOOP("CommissioningChecks", "not confirmed"): "niet bevestigd",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Nobody confirmed this step."):
        "Niemand heeft deze stap bevestigd.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "The technician did not see what this step expects: repair the "
                      "fault and run the step again."):
        "De monteur zag niet wat deze stap verwacht: herstel de storing en voer de stap "
        "opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "Not seen: %1. Repair the fault and run the step again."):
        "Niet gezien: %1. Herstel de storing en voer de stap opnieuw uit.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "Not confirmed: %1."): "Niet bevestigd: %1.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "No answer was given."):
        "Er is geen antwoord gegeven.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "No answer was given (answers file)."):
        "Er is geen antwoord gegeven (antwoordbestand).",
    QT_TRANSLATE_NOOP("CommissioningChecks", "The answer did not fit: %1"):
        "Het antwoord paste niet: %1",
    QT_TRANSLATE_NOOP("CommissioningChecks", "No value was entered."):
        "Er is geen waarde ingevoerd.",
    QT_TRANSLATE_NOOP("CommissioningChecks",
                      "%1 is outside %2: find the cause, repair it, measure again."):
        "%1 valt buiten %2: zoek de oorzaak, herstel die en meet opnieuw.",
    QT_TRANSLATE_NOOP("CommissioningChecks", "No file was added."):
        "Er is geen bestand toegevoegd.",
    # OCPP names stay as they are: they are what a technician looks up.
    QT_TRANSLATE_NOOP("CommissioningChecks", "ChangeConfiguration"): "ChangeConfiguration",
    QT_TRANSLATE_NOOP("CommissioningChecks", "GridConnectionMaxCurrent"):
        "GridConnectionMaxCurrent",
    QT_TRANSLATE_NOOP("CommissioningChecks", "LightIntensity"): "LightIntensity",
    QT_TRANSLATE_NOOP("CommissioningChecks", "RemoteStartTransaction"): "RemoteStartTransaction",
    QT_TRANSLATE_NOOP("CommissioningChecks", "ServiceTokenKeys"): "ServiceTokenKeys",
}
"""English source text → Dutch, for every template a check writes (the PDF's catalogue;
the same English texts are marked for Qt's lupdate)."""
