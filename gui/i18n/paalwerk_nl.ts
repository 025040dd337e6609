<?xml version="1.0" encoding="utf-8"?>
<TS version="2.1" language="nl_NL">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../help/dialogs.py" line="107" />
        <source>About Paalwerk</source>
        <translation>Over Paalwerk</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="108" />
        <source>Paalwerk %1</source>
        <translation>Paalwerk %1</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="109" />
        <source>(version unknown: not installed)</source>
        <translation>(versie onbekend: niet geïnstalleerd)</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="116" />
        <source>For the technicians of public EV charging poles: commissioning, diagnosis and back office (OCPP 1.6J).</source>
        <translation>Voor de monteurs van openbare laadpalen: inbedrijfstelling, diagnose en backoffice (OCPP 1.6J).</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="119" />
        <source>Licence: %1</source>
        <translation>Licentie: %1</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="120" />
        <source>Python %1, Qt %2, PySide6 %3</source>
        <translation>Python %1, Qt %2, PySide6 %3</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="125" />
        <source>Paalwerk ships with these libraries, each under its own licence:</source>
        <translation>Paalwerk wordt geleverd met deze bibliotheken, elk onder een eigen licentie:</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="128" />
        <source>see package</source>
        <translation>zie pakket</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="129" />
        <source>Library</source>
        <translation>Bibliotheek</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="129" />
        <source>Version</source>
        <translation>Versie</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="129" />
        <source>Licence</source>
        <translation>Licentie</translation>
    </message>
</context>
<context>
    <name>AuditView</name>
    <message>
        <location filename="../audit/view.py" line="56" />
        <location filename="../audit/view.py" line="203" />
        <source>Connect to a service to read the audit trail.</source>
        <translation>Verbind met een service om het auditlogboek te lezen.</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="62" />
        <source>year-month-day, empty: no limit</source>
        <translation>jaar-maand-dag, leeg: geen grens</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="65" />
        <source>user name</source>
        <translation>gebruikersnaam</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="67" />
        <source>pole id, e.g. PW-0001</source>
        <translation>paal-ID, bijv. PW-0001</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="69" />
        <source>e.g. PUT /api/v1/id-tags/{idTag}</source>
        <translation>bijv. PUT /api/v1/id-tags/{idTag}</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="72" />
        <source>Show</source>
        <translation>Tonen</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="74" />
        <source>Load more</source>
        <translation>Meer laden</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="76" />
        <source>Export CSV…</source>
        <translation>CSV exporteren…</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="80" />
        <source>Time (local)</source>
        <translation>Tijd (lokaal)</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="80" />
        <location filename="../audit/view.py" line="93" />
        <source>Who</source>
        <translation>Wie</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="80" />
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="80" />
        <location filename="../audit/view.py" line="95" />
        <source>Action</source>
        <translation>Handeling</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="81" />
        <location filename="../audit/view.py" line="94" />
        <source>Pole</source>
        <translation>Paal</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="81" />
        <source>Result</source>
        <translation>Resultaat</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="89" />
        <location filename="../audit/view.py" line="126" />
        <source>until</source>
        <translation>tot en met</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="92" />
        <location filename="../audit/view.py" line="125" />
        <source>Period from</source>
        <translation>Periode van</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="135" />
        <source>Reading the audit trail</source>
        <translation>Auditlogboek lezen</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="148" />
        <source>Reading more of the audit trail</source>
        <translation>Meer van het auditlogboek lezen</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="173" />
        <source>Exporting the audit trail</source>
        <translation>Auditlogboek exporteren</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="174" />
        <source>Exporting…</source>
        <translation>Exporteren…</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="179" />
        <source>Exported %1 entries to %2</source>
        <translation>%1 regels geëxporteerd naar %2</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="187" />
        <source>Export CSV</source>
        <translation>CSV exporteren</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="188" />
        <source>CSV files (*.csv)</source>
        <translation>CSV-bestanden (*.csv)</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="195" />
        <source>%1 entries shown; Load more shows the next ones.</source>
        <translation>%1 regels getoond; Meer laden toont de volgende.</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="197" />
        <source>%1 entries.</source>
        <translation>%1 regels.</translation>
    </message>
    <message>
        <location filename="../audit/view.py" line="206" />
        <source>Only admins may read the audit trail: who did what, when, at which pole.</source>
        <translation>Alleen beheerders mogen het auditlogboek lezen: wie wat deed, wanneer, bij welke paal.</translation>
    </message>
</context>
<context>
    <name>CardsView</name>
    <message>
        <location filename="../cards/view.py" line="51" />
        <source>Connect to a service to look up cards.</source>
        <translation>Verbind met een service om passen op te zoeken.</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="53" />
        <source>Card number (id tag)</source>
        <translation>Pasnummer (id-tag)</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="56" />
        <source>Look up</source>
        <translation>Opzoeken</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="62" />
        <source>Block card</source>
        <translation>Pas blokkeren</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="63" />
        <source>Unblock card</source>
        <translation>Pas deblokkeren</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="68" />
        <source>Pole</source>
        <translation>Paal</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="68" />
        <source>Socket</source>
        <translation>Laadpunt</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="68" />
        <source>Started</source>
        <translation>Gestart</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="68" />
        <source>Stopped</source>
        <translation>Gestopt</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="69" />
        <source>kWh</source>
        <translation>kWh</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="69" />
        <source>Stop reason</source>
        <translation>Reden van stoppen</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="85" />
        <source>Recent transactions (local time)</source>
        <translation>Recente laadsessies (lokale tijd)</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="113" />
        <source>Type a card number first.</source>
        <translation>Typ eerst een pasnummer.</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="114" />
        <source>A card number has at most 20 characters.</source>
        <translation>Een pasnummer heeft hoogstens 20 tekens.</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="119" />
        <location filename="../cards/view.py" line="123" />
        <source>Looking up the card</source>
        <translation>Pas opzoeken</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="126" />
        <source>Blocking the card</source>
        <translation>Pas blokkeren</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="126" />
        <source>Unblocking the card</source>
        <translation>Pas deblokkeren</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="140" />
        <source>Not in the register</source>
        <translation>Niet in het register</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="141" />
        <source>Accepted</source>
        <translation>Geaccepteerd</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="142" />
        <source>Blocked</source>
        <translation>Geblokkeerd</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="143" />
        <source>Expired</source>
        <translation>Verlopen</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="144" />
        <source>Invalid</source>
        <translation>Ongeldig</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="158" />
        <source>The service answers for it as its setting for unknown cards says (by default: accepted, as cards of every e-mobility provider must work).</source>
        <translation>De service beantwoordt deze pas volgens de instelling voor onbekende passen (standaard: geaccepteerd, want passen van elke e-mobilityprovider moeten werken).</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="162" />
        <source>Group: %1</source>
        <translation>Groep: %1</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="164" />
        <source>Valid until: %1</source>
        <translation>Geldig tot: %1</translation>
    </message>
    <message>
        <location filename="../cards/view.py" line="167" />
        <source>No transactions with this card.</source>
        <translation>Geen laadsessies met deze pas.</translation>
    </message>
</context>
<context>
    <name>Commissioning</name>
    <message>
        <location filename="../commissioning/words.py" line="27" />
        <source>Passed</source>
        <translation>Geslaagd</translation>
    </message>
    <message>
        <location filename="../commissioning/words.py" line="28" />
        <source>Failed</source>
        <translation>Mislukt</translation>
    </message>
    <message>
        <location filename="../commissioning/words.py" line="29" />
        <source>Skipped</source>
        <translation>Overgeslagen</translation>
    </message>
    <message>
        <location filename="../commissioning/words.py" line="30" />
        <source>Not confirmed</source>
        <translation>Niet bevestigd</translation>
    </message>
    <message>
        <location filename="../commissioning/words.py" line="32" />
        <source>Not available</source>
        <translation>Niet beschikbaar</translation>
    </message>
    <message>
        <location filename="../commissioning/words.py" line="34" />
        <source>To do</source>
        <translation>Te doen</translation>
    </message>
    <message>
        <location filename="../commissioning/words.py" line="39" />
        <source>Checked by the app</source>
        <translation>Door de app gecontroleerd</translation>
    </message>
    <message>
        <location filename="../commissioning/words.py" line="40" />
        <source>You confirm</source>
        <translation>U bevestigt</translation>
    </message>
    <message>
        <location filename="../commissioning/words.py" line="41" />
        <source>You measure</source>
        <translation>U meet</translation>
    </message>
    <message>
        <location filename="../commissioning/words.py" line="42" />
        <source>Photo or file</source>
        <translation>Foto of bestand</translation>
    </message>
    <message>
        <location filename="../commissioning/words.py" line="49" />
        <source>Commissioning passed</source>
        <translation>Inbedrijfstelling geslaagd</translation>
    </message>
    <message>
        <location filename="../commissioning/words.py" line="50" />
        <source>Commissioning failed</source>
        <translation>Inbedrijfstelling mislukt</translation>
    </message>
</context>
<context>
    <name>CommissioningChecks</name>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="85" />
        <source>passed</source>
        <translation>geslaagd</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="86" />
        <source>failed</source>
        <translation>mislukt</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="87" />
        <source>FAILED</source>
        <translation>MISLUKT</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="88" />
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="89" />
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="90" />
        <source>(none given)</source>
        <translation>(niet opgegeven)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="91" />
        <source>(empty)</source>
        <translation>(leeg)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="92" />
        <source>(not set)</source>
        <translation>(niet ingesteld)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="93" />
        <source>not checked</source>
        <translation>niet gecontroleerd</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="94" />
        <source>Socket</source>
        <translation>Laadpunt</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="95" />
        <source>Socket %1</source>
        <translation>Laadpunt %1</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="96" />
        <source>Error</source>
        <translation>Fout</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="97" />
        <source>Pole's answer</source>
        <translation>Antwoord van de paal</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="98" />
        <source>The pole refused %1. The session is not authorised for writes: connect with a service token (or the commissioning PIN of a new pole) and run the step again.</source>
        <translation>De paal weigerde %1. De sessie mag niet schrijven: verbind met een servicetoken (of de inbedrijfstellings-pincode van een nieuwe paal) en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="104" />
        <source>The pole refused %1. Run the step again; if the pole keeps refusing, note its answer and call the manufacturer.</source>
        <translation>De paal weigerde %1. Voer de stap opnieuw uit; blijft de paal weigeren, noteer dan het antwoord en bel de fabrikant.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="109" />
        <source>a call of this check (%1)</source>
        <translation>een opdracht van deze controle (%1)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="111" />
        <source>The check could not run. Run the step again; if it keeps failing, report the error shown.</source>
        <translation>De controle kon niet worden uitgevoerd. Voer de stap opnieuw uit; mislukt hij steeds, meld dan de getoonde fout.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="116" />
        <source>ID on the sticker</source>
        <translation>ID op de sticker</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="117" />
        <source>PoleId on the pole</source>
        <translation>PoleId in de paal</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="118" />
        <source>Pole's Hello</source>
        <translation>Hello van de paal</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="119" />
        <source>Run for pole</source>
        <translation>Doorloop voor paal</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="120" />
        <source>Pole</source>
        <translation>Paal</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="121" />
        <source>%1 %2, serial %3</source>
        <translation>%1 %2, serienummer %3</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="122" />
        <source>Firmware</source>
        <translation>Firmware</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="123" />
        <source>No pole ID was given: type the ID printed on the pole's sticker and run the step again.</source>
        <translation>Er is geen paal-ID opgegeven: typ het ID dat op de sticker van de paal staat en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="128" />
        <source>The sticker says %1 but the pole's PoleId is %2. Either the sticker is wrong (replace it with the ID agreed with the grantor) or the pole is configured wrong (set PoleId to the sticker's ID and reboot it), then run the step again.</source>
        <translation>Op de sticker staat %1, maar de PoleId van de paal is %2. Of de sticker is fout (vervang hem door het ID dat met de concessieverlener is afgesproken) of de paal is verkeerd ingesteld (zet PoleId op het ID van de sticker en herstart de paal); voer daarna de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="137" />
        <source>This run is for pole %1 but this pole is %2: check the work order and that you are connected to the right pole.</source>
        <translation>Deze doorloop is voor paal %1, maar deze paal is %2: controleer de werkbon en of u met de juiste paal verbonden bent.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="142" />
        <source>Pole's clock</source>
        <translation>Klok van de paal</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="143" />
        <source>Laptop's clock</source>
        <translation>Klok van de laptop</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="144" />
        <source>Offset</source>
        <translation>Afwijking</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="145" />
        <source>Allowed</source>
        <translation>Toegestaan</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="146" />
        <source>The pole's clock is %1. It sets its time from the back office at BootNotification: check the CSMS connection step, then run this step again (or check the laptop's own clock if it is the one off).</source>
        <translation>De klok van de paal loopt %1. De paal neemt zijn tijd over van het backoffice bij BootNotification: controleer de stap CSMS-verbinding en voer deze stap daarna opnieuw uit (of controleer de klok van de laptop als die afwijkt).</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="153" />
        <source>Modem self-test</source>
        <translation>Zelftest modem</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="154" />
        <source>Pole says</source>
        <translation>De paal meldt</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="155" />
        <source>Checked via</source>
        <translation>Gecontroleerd via</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="156" />
        <source>the pole's modem test (no service connection given)</source>
        <translation>de modemtest van de paal (geen serviceverbinding opgegeven)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="158" />
        <source>the pole's modem test (the service is not reachable: %1)</source>
        <translation>de modemtest van de paal (de service is niet bereikbaar: %1)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="161" />
        <source>The pole does not reach its back office (%1). Check the antenna, SIM and APN and the pole's CSMS URL, then run this step again.</source>
        <translation>De paal bereikt zijn backoffice niet (%1). Controleer antenne, simkaart en APN en de CSMS-URL van de paal en voer deze stap daarna opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="166" />
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="167" />
        <source>does not know %1</source>
        <translation>kent %1 niet</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="168" />
        <source>The service has never accepted a BootNotification from %1: check the pole's CSMS URL and charge point id, and whether the service accepts unknown poles, then run the step again.</source>
        <translation>De service heeft nog nooit een BootNotification van %1 aangenomen: controleer de CSMS-URL en de charge point id van de paal en of de service onbekende palen aanneemt, en voer de stap daarna opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="175" />
        <source>connected</source>
        <translation>verbonden</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="176" />
        <source>not connected</source>
        <translation>niet verbonden</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="177" />
        <source>Last seen</source>
        <translation>Laatst gezien</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="178" />
        <source>never</source>
        <translation>nooit</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="179" />
        <source>BootNotification answer</source>
        <translation>Antwoord op BootNotification</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="181" />
        <source>not in the service's log</source>
        <translation>niet in het logboek van de service</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="183" />
        <source>%1 at %2</source>
        <translation>%1 om %2</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="184" />
        <source>Firmware (service)</source>
        <translation>Firmware (service)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="185" />
        <source>unknown</source>
        <translation>onbekend</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="186" />
        <source>The service does not hold a connection from this pole. Check the SIM/modem and the pole's CSMS URL, then run this step again (a TriggerMessage BootNotification from here makes the pole announce itself).</source>
        <translation>De service heeft geen verbinding met deze paal. Controleer simkaart/modem en de CSMS-URL van de paal en voer deze stap daarna opnieuw uit (een TriggerMessage BootNotification van hieruit laat de paal zich melden).</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="194" />
        <source>The service answered the pole's BootNotification with %1: register the pole at the service (or open its registration) and run this step again.</source>
        <translation>De service beantwoordde de BootNotification van de paal met %1: registreer de paal bij de service (of open de registratie) en voer deze stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="199" />
        <source>Connection (technician)</source>
        <translation>Netaansluiting (monteur)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="200" />
        <source>Expected</source>
        <translation>Verwacht</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="201" />
        <source>Pick the connection size on the grid operator's label: %1.</source>
        <translation>Kies de grootte van de netaansluiting op het label van de netbeheerder: %1.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="204" />
        <source>A %1 connection needs GridConnectionMaxCurrent = %2, the pole has %3. Set it (ChangeConfiguration, or the pole's settings in the app) and run the step again.</source>
        <translation>Een netaansluiting van %1 vraagt GridConnectionMaxCurrent = %2, de paal heeft %3. Stel het in (ChangeConfiguration, of de instellingen van de paal in de app) en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="211" />
        <source>none</source>
        <translation>niets</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="212" />
        <source>Connection</source>
        <translation>Netaansluiting</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="213" />
        <source>%1 (assumed: no size given)</source>
        <translation>%1 (aangenomen: geen grootte opgegeven)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="215" />
        <source>No tender profile for this connection: %1</source>
        <translation>Geen aanbestedingsprofiel voor deze netaansluiting: %1</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="217" />
        <source>Installed now</source>
        <translation>Nu geïnstalleerd</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="218" />
        <source>tender profile of %1: %2</source>
        <translation>aanbestedingsprofiel van %1: %2</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="220" />
        <source>no (already in force)</source>
        <translation>nee (al van kracht)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="221" />
        <source>no</source>
        <translation>nee</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="222" />
        <source>Composite schedule</source>
        <translation>Samengesteld schema</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="223" />
        <source>Composite schedule (24 h)</source>
        <translation>Samengesteld schema (24 u)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="225" />
        <source>Pole clock offset</source>
        <translation>Afwijking klok paal</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="226" />
        <source>Differences</source>
        <translation>Verschillen</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="227" />
        <source>The pole's own schedule does not follow the tender profile (see the differences). Install the capacity profile again (from the service or the Profiles view) and run this step again; if the times are off by hours, check the pole's clock.</source>
        <translation>Het eigen schema van de paal volgt het aanbestedingsprofiel niet (zie de verschillen). Installeer het capaciteitsprofiel opnieuw (vanuit de service of het scherm Profielen) en voer deze stap opnieuw uit; wijken de tijden uren af, controleer dan de klok van de paal.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="236" />
        <source>Socket %1 self-test</source>
        <translation>Zelftest laadpunt %1</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="237" />
        <source>Socket %1 in Live</source>
        <translation>Laadpunt %1 in Live</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="238" />
        <source>Socket %1 not seen in Live</source>
        <translation>Laadpunt %1 niet gezien in Live</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="240" />
        <source>the LED self-test</source>
        <translation>de zelftest van de leds</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="241" />
        <source>The LED self-test failed on socket %1: replace that socket's LED module and run the step again.</source>
        <translation>De zelftest van de leds mislukte op laadpunt %1: vervang de ledmodule van dat laadpunt en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="246" />
        <source>LightIntensity before</source>
        <translation>LightIntensity vooraf</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="247" />
        <source>Wanted</source>
        <translation>Gewenst</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="248" />
        <source>LightIntensity after</source>
        <translation>LightIntensity achteraf</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="249" />
        <source>The pole kept LightIntensity at %1 (%2). Set it from the back office and run the step again.</source>
        <translation>De paal hield LightIntensity op %1 (%2). Stel het in vanuit het backoffice en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="254" />
        <source>earth-fault (RCD) protection</source>
        <translation>aardlekbeveiliging (aardlekschakelaar)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="256" />
        <source>socket lock</source>
        <translation>vergrendeling van het laadpunt</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="257" />
        <source>energy meter</source>
        <translation>energiemeter</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="258" />
        <source>the %1 self-test</source>
        <translation>de zelftest van de %1</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="259" />
        <source>The %1 of socket %2 did not pass its self-test. The socket must not be used: check its RCD/RDC-DD module and wiring, replace the module if the test fails again, and run the step again.</source>
        <translation>De %1 van laadpunt %2 slaagde niet voor de zelftest. Het laadpunt mag niet worden gebruikt: controleer de aardlekschakelaar (RCD/RDC-DD-module) en de bedrading, vervang de module als de test weer mislukt en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="266" />
        <source>The %1 of socket %2 did not pass its self-test. Check the lock actuator and that nothing blocks the shutter, replace the actuator if the test fails again, and run the step again.</source>
        <translation>De %1 van laadpunt %2 slaagde niet voor de zelftest. Controleer de vergrendelingsmotor en of niets de klep blokkeert, vervang de motor als de test weer mislukt en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="273" />
        <source>The %1 of socket %2 did not pass its self-test. Check the meter's wiring and communication cable; a MID meter that fails must be replaced before the pole may bill.</source>
        <translation>De %1 van laadpunt %2 slaagde niet voor de zelftest. Controleer de bedrading en de communicatiekabel van de meter; een MID-meter die faalt moet worden vervangen voordat de paal mag factureren.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="280" />
        <source>Socket %1 register</source>
        <translation>Telwerk laadpunt %1</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="281" />
        <source>The meter register of socket %1 is not plausible. Check the meter and its configuration; a MID meter that reads wrong must be replaced.</source>
        <translation>Het telwerk van laadpunt %1 is niet aannemelijk. Controleer de meter en de instellingen; een MID-meter die verkeerd meet moet worden vervangen.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="286" />
        <source>Mode 3 state</source>
        <translation>Mode 3-toestand</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="287" />
        <source>Mode 3 states</source>
        <translation>Mode 3-toestanden</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="288" />
        <source>Socket %1 is not free (state %2): unplug any cable and run the step again.</source>
        <translation>Laadpunt %1 is niet vrij (toestand %2): haal de kabel eruit en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="293" />
        <source>Vehicle</source>
        <translation>Voertuig</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="294" />
        <source>simulated %1 (virtual pole)</source>
        <translation>gesimuleerde %1 (virtuele paal)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="296" />
        <source>test load plugged in by the technician</source>
        <translation>testbelasting ingeplugd door monteur</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="298" />
        <source>The pole refused to start a charge (%1). Check the socket's status and faults, then run the step again.</source>
        <translation>De paal weigerde een laadsessie te starten (%1). Controleer de status en storingen van het laadpunt en voer de stap daarna opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="303" />
        <source>Waited %1 s for the vehicle to be plugged in. Check the cable and the test load and run the step again.</source>
        <translation>%1 s gewacht tot het voertuig werd ingeplugd. Controleer de kabel en de testbelasting en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="308" />
        <source>Waited %1 s for the vehicle to draw current (state C). Check the cable and the test load and run the step again.</source>
        <translation>%1 s gewacht tot het voertuig stroom trok (toestand C). Controleer de kabel en de testbelasting en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="313" />
        <source>Current</source>
        <translation>Stroom</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="314" />
        <source>%1 A (L1/L2/L3)</source>
        <translation>%1 A (L1/L2/L3)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="315" />
        <source>Highest current</source>
        <translation>Hoogste stroom</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="316" />
        <source>Limit in force</source>
        <translation>Geldende limiet</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="317" />
        <source>Offered (PWM)</source>
        <translation>Aangeboden (PWM)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="318" />
        <source>%1 at %2 %</source>
        <translation>%1 bij %2 %</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="319" />
        <source>Transaction</source>
        <translation>Transactie</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="320" />
        <source>The Mode 3 states did not go A → B → C. Check the control-pilot wiring and run the step again.</source>
        <translation>De Mode 3-toestanden gingen niet A → B → C. Controleer de bedrading van de control pilot en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="325" />
        <source>The vehicle drew %1 A where %2 A was in force: the pole does not limit the current. Do not release the pole; report it to the manufacturer.</source>
        <translation>Het voertuig trok %1 A terwijl %2 A gold: de paal begrenst de stroom niet. Geef de paal niet vrij; meld het aan de fabrikant.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="330" />
        <source>Running</source>
        <translation>Draait</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="331" />
        <source>Approved</source>
        <translation>Goedgekeurd</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="332" />
        <source>No approved release is known: type the version on the work order.</source>
        <translation>Er is geen goedgekeurde versie bekend: typ de versie van de werkbon.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="335" />
        <source>The pole runs %1, not the approved %2. Install the approved release (paalwerk firmware upload, or a rollout from the service) and run the step again.</source>
        <translation>De paal draait %1, niet de goedgekeurde %2. Installeer de goedgekeurde versie (paalwerk firmware upload, of een uitrol vanuit de service) en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="342" />
        <source>Security profile</source>
        <translation>Beveiligingsprofiel</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="343" />
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="344" />
        <source>The checklist asks for security profile %1, which does not exist (0 to 3): have the checklist corrected; note the pole's profile by hand meanwhile.</source>
        <translation>De checklist vraagt om beveiligingsprofiel %1, dat niet bestaat (0 tot 3): laat de checklist verbeteren; noteer intussen het profiel van de paal met de hand.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="350" />
        <source>(not reported)</source>
        <translation>(niet gemeld)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="351" />
        <source>Required</source>
        <translation>Vereist</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="352" />
        <source>at least %1</source>
        <translation>minstens %1</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="353" />
        <source>%1 key(s)</source>
        <translation>%1 sleutel(s)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="354" />
        <source>Service's key</source>
        <translation>Sleutel van de service</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="355" />
        <source>not checked (no service connection given)</source>
        <translation>niet gecontroleerd (geen serviceverbinding opgegeven)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="357" />
        <source>not checked (the service is not reachable: %1)</source>
        <translation>niet gecontroleerd (de service is niet bereikbaar: %1)</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="359" />
        <source>missing</source>
        <translation>ontbreekt</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="360" />
        <source>on the pole</source>
        <translation>op de paal</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="361" />
        <source>The pole does not report its security profile (%1). Ask the manufacturer for a firmware that supports the OCPP security profiles, and do not release the pole.</source>
        <translation>De paal meldt zijn beveiligingsprofiel niet (%1). Vraag de fabrikant om firmware die de OCPP-beveiligingsprofielen ondersteunt, en geef de paal niet vrij.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="367" />
        <source>The pole logs in to its back office at security profile %1; at least %2 is required. Set the pole's password and profile at the service (the pole's Security settings, or PUT /api/v1/poles/ID/security) and run the step again once the pole has reconnected.</source>
        <translation>De paal meldt zich bij zijn backoffice aan met beveiligingsprofiel %1; minstens %2 is vereist. Stel het wachtwoord en profiel van de paal in bij de service (de beveiligingsinstellingen van de paal, of PUT /api/v1/poles/ID/security) en voer de stap opnieuw uit zodra de paal opnieuw verbonden is.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="376" />
        <source>The pole has no service-token keys: it is still factory-fresh and opens its service port to the commissioning PIN. Connect the pole to the service (it gets its keys when it boots there; a TriggerMessage BootNotification will do), then run the step again.</source>
        <translation>De paal heeft geen servicetokensleutels: hij staat nog in fabrieksinstelling en opent zijn servicepoort voor de inbedrijfstellings-pincode. Verbind de paal met de service (hij krijgt zijn sleutels als hij daar opstart; een TriggerMessage BootNotification is genoeg) en voer de stap daarna opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="385" />
        <source>The pole's ServiceTokenKeys cannot be read (%1): have the service set them again by rebooting the pole while it is connected, then run the step again.</source>
        <translation>De ServiceTokenKeys van de paal zijn onleesbaar (%1): laat de service ze opnieuw instellen door de paal te herstarten terwijl hij verbonden is, en voer de stap daarna opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="392" />
        <source>The pole's service-token keys are not this service's: tokens from this service will not open its service port. Check the pole's CSMS URL (it may still point at another back office), reboot it so the service sets its key, then run the step again.</source>
        <translation>De servicetokensleutels van de paal zijn niet die van deze service: tokens van deze service openen zijn servicepoort niet. Controleer de CSMS-URL van de paal (misschien wijst die nog naar een andere backoffice), herstart hem zodat de service zijn sleutel instelt, en voer de stap daarna opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="401" />
        <source>%1 behind</source>
        <translation>%1 achter</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="402" />
        <source>%1 ahead</source>
        <translation>%1 voor</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="403" />
        <source>%1 the pole allows %2, the tender %3</source>
        <translation>%1 staat de paal %2 toe, de aanbesteding %3</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="405" />
        <source>the tender capacity profile</source>
        <translation>het capaciteitsprofiel van de aanbesteding</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="407" />
        <source>blinking %1</source>
        <translation>knipperend %1</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="408" />
        <source>off</source>
        <translation>uit</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="409" />
        <source>green</source>
        <translation>groen</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="410" />
        <source>light blue</source>
        <translation>lichtblauw</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="411" />
        <source>blue</source>
        <translation>blauw</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="412" />
        <source>red</source>
        <translation>rood</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="413" />
        <source>The LEDs now cycle through every colour: watch them.</source>
        <translation>De leds lopen nu alle kleuren door: kijk ernaar.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="416" />
        <source>Plug the test load into socket %1.</source>
        <translation>Steek de testbelasting in laadpunt %1.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="418" />
        <source>Unplug the test load from socket %1.</source>
        <translation>Haal de testbelasting uit laadpunt %1.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="421" />
        <source>confirmed</source>
        <translation>bevestigd</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="422" />
        <source>NO</source>
        <translation>NEE</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="423" />
        <source>not confirmed</source>
        <translation>niet bevestigd</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="424" />
        <source>Nobody confirmed this step.</source>
        <translation>Niemand heeft deze stap bevestigd.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="426" />
        <source>The technician did not see what this step expects: repair the fault and run the step again.</source>
        <translation>De monteur zag niet wat deze stap verwacht: herstel de storing en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="431" />
        <source>Not seen: %1. Repair the fault and run the step again.</source>
        <translation>Niet gezien: %1. Herstel de storing en voer de stap opnieuw uit.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="434" />
        <source>Not confirmed: %1.</source>
        <translation>Niet bevestigd: %1.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="435" />
        <source>No answer was given.</source>
        <translation>Er is geen antwoord gegeven.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="437" />
        <source>No answer was given (answers file).</source>
        <translation>Er is geen antwoord gegeven (antwoordbestand).</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="439" />
        <source>The answer did not fit: %1</source>
        <translation>Het antwoord paste niet: %1</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="441" />
        <source>No value was entered.</source>
        <translation>Er is geen waarde ingevoerd.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="443" />
        <source>%1 is outside %2: find the cause, repair it, measure again.</source>
        <translation>%1 valt buiten %2: zoek de oorzaak, herstel die en meet opnieuw.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="446" />
        <source>No file was added.</source>
        <translation>Er is geen bestand toegevoegd.</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="449" />
        <source>ChangeConfiguration</source>
        <translation>ChangeConfiguration</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="450" />
        <source>GridConnectionMaxCurrent</source>
        <translation>GridConnectionMaxCurrent</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="452" />
        <source>LightIntensity</source>
        <translation>LightIntensity</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="453" />
        <source>RemoteStartTransaction</source>
        <translation>RemoteStartTransaction</translation>
    </message>
    <message>
        <location filename="../../pole_link/commissioning/words.py" line="454" />
        <source>ServiceTokenKeys</source>
        <translation>ServiceTokenKeys</translation>
    </message>
</context>
<context>
    <name>CommissioningPage</name>
    <message>
        <location filename="../commissioning/page.py" line="51" />
        <source>Checklist</source>
        <translation>Checklist</translation>
    </message>
    <message>
        <location filename="../commissioning/page.py" line="52" />
        <source>Reports</source>
        <translation>Rapporten</translation>
    </message>
    <message>
        <location filename="../commissioning/page.py" line="85" />
        <source>The report could not be signed: %1 The run is kept: press Finish again to retry.</source>
        <translation>Het rapport kon niet worden ondertekend: %1 De doorloop is bewaard: druk nogmaals op Afronden om het opnieuw te proberen.</translation>
    </message>
    <message>
        <location filename="../commissioning/page.py" line="90" />
        <source>Signing the report…</source>
        <translation>Rapport wordt ondertekend…</translation>
    </message>
    <message>
        <location filename="../commissioning/page.py" line="91" />
        <source>Signing the report</source>
        <translation>Rapport ondertekenen</translation>
    </message>
    <message>
        <location filename="../commissioning/page.py" line="96" />
        <source>Report signed by %1 (key %2) and saved in %3.</source>
        <translation>Rapport ondertekend door %1 (sleutel %2) en bewaard in %3.</translation>
    </message>
    <message>
        <location filename="../commissioning/page.py" line="102" />
        <source>It is uploaded once the app is logged in to the service (Reports tab, Sync now).</source>
        <translation>Het wordt verstuurd zodra de app bij de service is ingelogd (tabblad Rapporten, Nu synchroniseren).</translation>
    </message>
    <message>
        <location filename="../commissioning/page.py" line="105" />
        <source>Uploading it to the service: see the Reports tab.</source>
        <translation>Het wordt naar de service verstuurd: zie het tabblad Rapporten.</translation>
    </message>
</context>
<context>
    <name>CommissioningView</name>
    <message>
        <location filename="../commissioning/wizard_view.py" line="87" />
        <source>your name, as on the report</source>
        <translation>uw naam, zoals op het rapport</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="88" />
        <source>Start commissioning</source>
        <translation>Inbedrijfstelling starten</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="90" />
        <source>Resume</source>
        <translation>Hervatten</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="91" />
        <source>Go on with a run that was interrupted, at the first step without a result</source>
        <translation>Ga verder met een onderbroken doorloop, bij de eerste stap zonder resultaat</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="97" />
        <source>%v of %m steps</source>
        <translation>%v van %m stappen</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="105" />
        <location filename="../commissioning/wizard_view.py" line="342" />
        <source>Check</source>
        <translation>Controleren</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="111" />
        <source>Finish and sign the report</source>
        <translation>Afronden en rapport ondertekenen</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="116" />
        <source>Open the report (PDF)</source>
        <translation>Rapport openen (pdf)</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="124" />
        <source>Checklist</source>
        <translation>Checklist</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="126" />
        <source>Technician</source>
        <translation>Monteur</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="132" />
        <source>Interrupted run</source>
        <translation>Onderbroken doorloop</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="185" />
        <source>Connect to the pole first (Connect page): over the service cable, Bluetooth or the service.</source>
        <translation>Verbind eerst met de paal (pagina Verbinden): via de servicekabel, Bluetooth of de service.</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="188" />
        <source>Pole %1: choose the checklist and start. Every answer is saved at once, also without network.</source>
        <translation>Paal %1: kies de checklist en start. Elk antwoord wordt meteen bewaard, ook zonder netwerk.</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="192" />
        <source>Pole %1 · %2 · started %3</source>
        <translation>Paal %1 · %2 · gestart %3</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="201" />
        <source>%1, started %2 (%3 steps done)</source>
        <translation>%1, gestart %2 (%3 stappen gedaan)</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="216" />
        <source>The checklist cannot be used: %1</source>
        <translation>De checklist kan niet worden gebruikt: %1</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="227" />
        <source>Type your name first: the report is signed with it.</source>
        <translation>Typ eerst uw naam: het rapport wordt ermee ondertekend.</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="264" />
        <source>Automatic checks</source>
        <translation>Automatische controles</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="296" />
        <source>%1 did not finish: %2 Nothing was recorded for this step; try again once the pole answers.</source>
        <translation>%1 is niet afgerond: %2 Voor deze stap is niets vastgelegd; probeer het opnieuw zodra de paal antwoordt.</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="322" />
        <source>Your answer</source>
        <translation>Uw antwoord</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="333" />
        <source>Skipping</source>
        <translation>Overslaan</translation>
    </message>
    <message>
        <location filename="../commissioning/wizard_view.py" line="422" />
        <source>Step %1 of %2: %3</source>
        <translation>Stap %1 van %2: %3</translation>
    </message>
</context>
<context>
    <name>ConnectView</name>
    <message>
        <location filename="../views/connect_view.py" line="59" />
        <source>Disconnect from the pole</source>
        <translation>Verbinding met de paal verbreken</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="61" />
        <source>Close the link to the pole you are connected to (before pulling the cable)</source>
        <translation>Sluit de verbinding met de paal waarmee je verbonden bent (voordat je de kabel lostrekt)</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="68" />
        <source>Service (remote: the whole fleet)</source>
        <translation>Service (op afstand: de hele vloot)</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="73" />
        <source>filled in when you sign in, or the token 'paalwerk service' printed</source>
        <translation>wordt ingevuld als u zich aanmeldt, of het token dat 'paalwerk service' toonde</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="74" />
        <source>Connect to service</source>
        <translation>Verbinden met service</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="76" />
        <source>Sign in with name and password…</source>
        <translation>Aanmelden met naam en wachtwoord…</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="78" />
        <source>Your own account at the service: what you may do follows from your role</source>
        <translation>Uw eigen account bij de service: wat u mag doen, hangt af van uw rol</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="86" />
        <source>Refresh list</source>
        <translation>Lijst vernieuwen</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="88" />
        <source>Prepare a site visit…</source>
        <translation>Locatiebezoek voorbereiden…</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="90" />
        <source>Fetch service tokens while online, to write on poles on site without signal</source>
        <translation>Haal servicetokens op zolang u online bent, om ter plekke zonder bereik op palen te schrijven</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="95" />
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="96" />
        <source>API token</source>
        <translation>API-token</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="102" />
        <source>Poles</source>
        <translation>Palen</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="125" />
        <source>Give the service URL and an API token.</source>
        <translation>Geef de URL van de service en een API-token.</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="134" />
        <source>Give the service URL first.</source>
        <translation>Vul eerst de URL van de service in.</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="145" />
        <source>Listing the service's poles</source>
        <translation>Palen van de service ophalen</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="152" />
        <source>Serial cable (service port)</source>
        <translation>Seriële kabel (servicepoort)</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="157" />
        <source>/dev/ttyUSB0, COM3 or a path</source>
        <translation>/dev/ttyUSB0, COM3 of een pad</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="158" />
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="160" />
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="179" />
        <source>Listing serial ports</source>
        <translation>Seriële poorten zoeken</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="192" />
        <source>Bluetooth LE</source>
        <translation>Bluetooth LE</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="195" />
        <source>Scan</source>
        <translation>Zoeken</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="211" />
        <source>Bluetooth is not available in this build.</source>
        <translation>Bluetooth is in deze versie niet beschikbaar.</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="214" />
        <source>Scanning…</source>
        <translation>Zoeken…</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="219" />
        <source>%1 poles found</source>
        <translation>%1 palen gevonden</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="221" />
        <source>Bluetooth scan</source>
        <translation>Bluetooth-scan</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="237" />
        <source>Connect to the selected pole</source>
        <translation>Verbinden met de gekozen paal</translation>
    </message>
</context>
<context>
    <name>CurveLegend</name>
    <message>
        <location filename="../plot/legend.py" line="113" />
        <source>Show or hide this line</source>
        <translation>Deze lijn tonen of verbergen</translation>
    </message>
    <message>
        <location filename="../plot/legend.py" line="130" />
        <source>Offset phases</source>
        <translation>Fasen verschoven tekenen</translation>
    </message>
    <message>
        <location filename="../plot/legend.py" line="132" />
        <source>Draw L2 and L3 a little lower than measured, so that three equal phases show as three lines. The values read under the cursor are always as measured.</source>
        <translation>Teken L2 en L3 iets lager dan gemeten, zodat drie gelijke fasen als drie lijnen zichtbaar zijn. De waarden onder de cursor zijn altijd zoals gemeten.</translation>
    </message>
    <message>
        <location filename="../plot/legend.py" line="197" />
        <source>Point at the plot&lt;br&gt;to read its values</source>
        <translation>Wijs in de grafiek&lt;br&gt;om waarden af te lezen</translation>
    </message>
</context>
<context>
    <name>FirmwareView</name>
    <message>
        <location filename="../firmware/firmware_view.py" line="66" />
        <source>Firmware</source>
        <translation>Firmware</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="68" />
        <source>Open package…</source>
        <translation>Pakket openen…</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="70" />
        <location filename="../firmware/firmware_view.py" line="265" />
        <source>Install on this pole</source>
        <translation>Installeren op deze paal</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="72" />
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="74" />
        <source>Manufacturer roots…</source>
        <translation>Fabrikantroots…</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="76" />
        <source>The manufacturer root certificates (PEM) packages are checked against here; the pole checks them again itself</source>
        <translation>De rootcertificaten van de fabrikant (PEM) waartegen pakketten hier gecontroleerd worden; de paal controleert ze zelf opnieuw</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="88" />
        <source>Package</source>
        <translation>Pakket</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="88" />
        <source>Version</source>
        <translation>Versie</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="89" />
        <source>For models</source>
        <translation>Voor modellen</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="89" />
        <source>Size</source>
        <translation>Grootte</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="90" />
        <source>Signature</source>
        <translation>Handtekening</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="90" />
        <source>This pole</source>
        <translation>Deze paal</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="91" />
        <source>Running now</source>
        <translation>Draait nu</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="122" />
        <source>Open firmware package</source>
        <translation>Firmwarepakket openen</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="123" />
        <source>Firmware packages (*.fwpkg *.zip);;All files (*)</source>
        <translation>Firmwarepakketten (*.fwpkg *.zip);;Alle bestanden (*)</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="128" />
        <source>Manufacturer root certificates</source>
        <translation>Rootcertificaten van de fabrikant</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="129" />
        <source>Certificates (*.pem *.crt);;All files (*)</source>
        <translation>Certificaten (*.pem *.crt);;Alle bestanden (*)</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="140" />
        <source>Cannot use %1 as manufacturer roots: %2</source>
        <translation>Kan %1 niet als fabrikantroots gebruiken: %2</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="144" />
        <source>%1 holds no certificate.</source>
        <translation>%1 bevat geen certificaat.</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="178" />
        <source>Opening %1</source>
        <translation>%1 openen</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="194" />
        <source>Installing firmware</source>
        <translation>Firmware installeren</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="231" />
        <source>%1 of %2</source>
        <translation>%1 van %2</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="235" />
        <source>%1 of %2 · %3/s · %4 left</source>
        <translation>%1 van %2 · %3/s · nog %4</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="247" />
        <source>every model</source>
        <translation>elk model</translation>
    </message>
    <message>
        <location filename="../firmware/firmware_view.py" line="264" />
        <source>Resume install</source>
        <translation>Installatie hervatten</translation>
    </message>
</context>
<context>
    <name>FleetFeed</name>
    <message>
        <location filename="../fleet_feed.py" line="110" />
        <source>fleet of %1: live</source>
        <translation>vloot van %1: actueel</translation>
    </message>
    <message>
        <location filename="../fleet_feed.py" line="131" />
        <source>fleet feed lost: %1 Retrying.</source>
        <translation>vlootfeed weg: %1 Opnieuw proberen.</translation>
    </message>
    <message>
        <location filename="../fleet_feed.py" line="143" />
        <source>security events not available: %1</source>
        <translation>beveiligingsmeldingen niet beschikbaar: %1</translation>
    </message>
    <message>
        <location filename="../fleet_feed.py" line="153" />
        <source>uptime not available: %1</source>
        <translation>beschikbaarheid niet te lezen: %1</translation>
    </message>
</context>
<context>
    <name>FleetModel</name>
    <message>
        <location filename="../fleet/model.py" line="98" />
        <source>Pole</source>
        <translation>Paal</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="99" />
        <source>Connection</source>
        <translation>Verbinding</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="100" />
        <source>Socket 1</source>
        <translation>Laadpunt 1</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="101" />
        <source>Socket 2</source>
        <translation>Laadpunt 2</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="102" />
        <source>Last seen</source>
        <translation>Laatst gezien</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="103" />
        <source>Uptime (%)</source>
        <translation>Beschikbaarheid (%)</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="104" />
        <source>Power (kW)</source>
        <translation>Vermogen (kW)</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="105" />
        <source>Attention</source>
        <translation>Aandacht</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="256" />
        <source>%1?</source>
        <translation>%1?</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="310" />
        <source>Grid operator: %1</source>
        <translation>Netbeheerder: %1</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="311" />
        <source>unknown</source>
        <translation>onbekend</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="314" />
        <source>Pole status: %1</source>
        <translation>Status van de paal: %1</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="321" />
        <source>(last known: the pole is offline)</source>
        <translation>(laatst bekend: de paal is offline)</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="323" />
        <source>since %1</source>
        <translation>sinds %1</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="328" />
        <source>LED: %1, blinking</source>
        <translation>Led: %1, knipperend</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="328" />
        <source>LED: %1</source>
        <translation>Led: %1</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="331" />
        <source>Transaction %1 running %2</source>
        <translation>Transactie %1 loopt %2</translation>
    </message>
</context>
<context>
    <name>FleetRows</name>
    <message>
        <location filename="../fleet/rows.py" line="196" />
        <source>Pole</source>
        <translation>Paal</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="197" />
        <source>Socket %1</source>
        <translation>Laadpunt %1</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="198" />
        <source>%1 faulted: %2 (%3)</source>
        <translation>%1 in storing: %2 (%3)</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="199" />
        <source>%1 faulted (no error code)</source>
        <translation>%1 in storing (geen foutcode)</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="200" />
        <source>%1 %2 with error %3</source>
        <translation>%1 %2 met fout %3</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="201" />
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="202" />
        <source>Offline for %1</source>
        <translation>Al %1 offline</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="203" />
        <source>%1: transaction running %2</source>
        <translation>%1: transactie loopt al %2</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="204" />
        <source>%1 %2 for %3</source>
        <translation>%1 al %3 in %2</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="205" />
        <source>Clock %1 behind</source>
        <translation>Klok loopt %1 achter</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="206" />
        <source>Clock %1 ahead</source>
        <translation>Klok loopt %1 voor</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="207" />
        <source>&lt;1 min</source>
        <translation>&lt;1 min</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="208" />
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="209" />
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="210" />
        <source>%1 h</source>
        <translation>%1 u</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="211" />
        <source>%1 d</source>
        <translation>%1 d</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="212" />
        <source>never</source>
        <translation>nooit</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="213" />
        <source>just now</source>
        <translation>zojuist</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="214" />
        <source>%1 ago</source>
        <translation>%1 geleden</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="215" />
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="216" />
        <source>Reconnecting</source>
        <translation>Herverbinden</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="219" />
        <source>Service restarted at %1</source>
        <translation>Herstart om %1</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="220" />
        <source>Service restarted</source>
        <translation>Service herstart</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="223" />
        <source>Available</source>
        <translation>Beschikbaar</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="223" />
        <source>Preparing</source>
        <translation>Voorbereiden</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="224" />
        <source>Charging</source>
        <translation>Laden</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="224" />
        <source>SuspendedEV</source>
        <translation>Onderbroken (auto)</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="225" />
        <source>SuspendedEVSE</source>
        <translation>Onderbroken (paal)</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="226" />
        <source>Finishing</source>
        <translation>Afronden</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="226" />
        <source>Reserved</source>
        <translation>Gereserveerd</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="227" />
        <source>Unavailable</source>
        <translation>Buiten gebruik</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="227" />
        <source>Faulted</source>
        <translation>Storing</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="228" />
        <source>Unknown</source>
        <translation>Onbekend</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="329" />
        <source>off</source>
        <translation>uit</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="330" />
        <source>green</source>
        <translation>groen</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="331" />
        <source>light blue</source>
        <translation>lichtblauw</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="332" />
        <source>blue</source>
        <translation>blauw</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="333" />
        <source>red</source>
        <translation>rood</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="31" />
        <source>Nothing answers at that address (connection refused): is the service running, and is the address right?</source>
        <translation>Op dat adres antwoordt niets (verbinding geweigerd): draait de service, en klopt het adres?</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="34" />
        <source>The service cannot be reached: check the network and the address.</source>
        <translation>De service is niet bereikbaar: controleer het netwerk en het adres.</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="36" />
        <source>Access refused: the token is not valid (any more). Ask for a new one.</source>
        <translation>Toegang geweigerd: het token is niet (meer) geldig. Vraag een nieuw token aan.</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="38" />
        <source>The pole rejected the service token: fetch a new one from the service.</source>
        <translation>De paal wees het servicetoken af: haal een nieuw token op bij de service.</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="40" />
        <source>The pole refused: this session is not logged in to change it (log in first).</source>
        <translation>De paal weigerde: deze sessie is niet aangemeld om iets te wijzigen (meld je eerst aan).</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="43" />
        <source>Your role (%1) may not do this: it needs %2 or higher. Ask a colleague who has that role.</source>
        <translation>Uw rol (%1) mag dit niet: hiervoor is %2 of hoger nodig. Vraag het een collega met die rol.</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="46" />
        <source>The pole did not answer in time. It may be busy or the link is weak: try again.</source>
        <translation>De paal antwoordde niet op tijd. Hij is misschien bezig of de verbinding is zwak: probeer het opnieuw.</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="49" />
        <source>The link to the pole was lost. The app reconnects by itself.</source>
        <translation>De verbinding met de paal is verbroken. De app maakt zelf opnieuw verbinding.</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="51" />
        <source>The pole refused: %1</source>
        <translation>De paal weigerde: %1</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="52" />
        <source>The pole sent something the app cannot read. If this repeats, send the details to the helpdesk.</source>
        <translation>De paal stuurde iets wat de app niet kan lezen. Gebeurt dit vaker, stuur de details naar de helpdesk.</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="55" />
        <source>Could not open the link: %1</source>
        <translation>Kon de verbinding niet openen: %1</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="56" />
        <source>The service refused: %1</source>
        <translation>De service weigerde: %1</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="57" />
        <source>Something unexpected went wrong. The details help the helpdesk.</source>
        <translation>Er ging iets onverwachts mis. De details helpen de helpdesk.</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="61" />
        <source>it does not support this</source>
        <translation>hij ondersteunt dit niet</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="62" />
        <source>not authorised for this (log in with a service token)</source>
        <translation>hiervoor niet bevoegd (meld je aan met een servicetoken)</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="64" />
        <source>it does not know this command</source>
        <translation>hij kent deze opdracht niet</translation>
    </message>
    <message>
        <location filename="../error_words.py" line="65" />
        <source>it rejected the request</source>
        <translation>hij wees het verzoek af</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="51" />
        <location filename="../roaming/partners.py" line="26" />
        <source>not connected</source>
        <translation>niet verbonden</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="52" />
        <source>connecting</source>
        <translation>verbinden</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="53" />
        <location filename="../roaming/partners.py" line="24" />
        <source>connected</source>
        <translation>verbonden</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="54" />
        <source>link lost</source>
        <translation>verbinding weg</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="70" />
        <source>Offline since %1 (%2)</source>
        <translation>Offline sinds %1 (%2)</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="71" />
        <source>Never connected to the service</source>
        <translation>Nooit met de service verbonden geweest</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="72" />
        <source>How it ended: %1</source>
        <translation>Hoe het eindigde: %1</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="73" />
        <source>Last boot: %1</source>
        <translation>Laatste opstart: %1</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="74" />
        <source>Connection ended %1 times in the last 7 days</source>
        <translation>Verbinding %1 keer verbroken in de laatste 7 dagen</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="75" />
        <source>Recent connections: %1</source>
        <translation>Laatste verbindingen: %1</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="76" />
        <source>%1–%2 %3</source>
        <translation>%1–%2 %3</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="80" />
        <source>Back office: connected</source>
        <translation>Backoffice: verbonden</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="81" />
        <source>Back office: NOT connected (%1)</source>
        <translation>Backoffice: NIET verbonden (%1)</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="82" />
        <source>Back office: NOT connected</source>
        <translation>Backoffice: NIET verbonden</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="83" />
        <source>Back office: not known yet</source>
        <translation>Backoffice: nog onbekend</translation>
    </message>
    <message>
        <location filename="../pole_state.py" line="84" />
        <source>%1 faulted: the self tests (RCD, lock, meter) found no cause</source>
        <translation>%1 in storing: de zelftests (aardlek, vergrendeling, meter) vonden geen oorzaak</translation>
    </message>
    <message>
        <location filename="../pole_words.py" line="17" />
        <source>%1 on %2</source>
        <translation>%1 op %2</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="230" />
        <source>fault %1</source>
        <translation>storing %1</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="233" />
        <source>socket lock failed</source>
        <translation>vergrendeling van de contactdoos faalt</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="234" />
        <source>no communication with the vehicle (control pilot)</source>
        <translation>geen communicatie met het voertuig (control pilot)</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="236" />
        <source>earth-fault trip (RCD)</source>
        <translation>aardlekschakelaar aangesproken</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="237" />
        <source>too hot</source>
        <translation>te warm</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="238" />
        <source>internal error of the pole</source>
        <translation>interne fout van de paal</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="239" />
        <source>conflict in the local card list</source>
        <translation>conflict in de lokale passenlijst</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="240" />
        <source>fault the pole does not name</source>
        <translation>storing die de paal niet benoemt</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="241" />
        <source>overcurrent trip</source>
        <translation>overstroombeveiliging aangesproken</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="242" />
        <source>mains voltage too high</source>
        <translation>netspanning te hoog</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="243" />
        <source>energy meter failure</source>
        <translation>kWh-meter defect</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="244" />
        <source>contactor (power switch) failure</source>
        <translation>magneetschakelaar defect</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="245" />
        <source>card reader failure</source>
        <translation>paslezer defect</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="246" />
        <source>reset failed</source>
        <translation>herstart mislukt</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="247" />
        <source>mains voltage too low</source>
        <translation>netspanning te laag</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="248" />
        <source>weak mobile signal</source>
        <translation>zwak mobiel signaal</translation>
    </message>
    <message>
        <location filename="../pole_words.py" line="24" />
        <source>the pole closed the connection itself (restart or instruction)</source>
        <translation>de paal sloot de verbinding zelf (herstart of opdracht)</translation>
    </message>
    <message>
        <location filename="../pole_words.py" line="26" />
        <source>the connection broke without a goodbye: network or mains lost at the pole</source>
        <translation>de verbinding brak zonder afmelding: netwerk of netspanning weg bij de paal</translation>
    </message>
    <message>
        <location filename="../pole_words.py" line="29" />
        <source>the pole went silent (heartbeats missed); the service hung up</source>
        <translation>de paal werd stil (heartbeats gemist); de service verbrak de verbinding</translation>
    </message>
    <message>
        <location filename="../pole_words.py" line="31" />
        <source>the service was stopped while the pole was connected</source>
        <translation>de service werd gestopt terwijl de paal verbonden was</translation>
    </message>
    <message>
        <location filename="../pole_words.py" line="34" />
        <source>how it ended was not recorded</source>
        <translation>hoe het eindigde is niet vastgelegd</translation>
    </message>
    <message>
        <location filename="../pole_words.py" line="47" />
        <source>closed</source>
        <translation>gesloten</translation>
    </message>
    <message>
        <location filename="../pole_words.py" line="48" />
        <source>dropped</source>
        <translation>verbroken</translation>
    </message>
    <message>
        <location filename="../pole_words.py" line="49" />
        <source>went silent</source>
        <translation>stilgevallen</translation>
    </message>
    <message>
        <location filename="../pole_words.py" line="50" />
        <source>service stopped</source>
        <translation>service gestopt</translation>
    </message>
    <message>
        <location filename="../pole_words.py" line="52" />
        <source>ended</source>
        <translation>beëindigd</translation>
    </message>
    <message>
        <location filename="../profiles/editor_model.py" line="117" />
        <source>'%1' is not a time: type hours and minutes, e.g. 17:00</source>
        <translation>'%1' is geen tijd: typ uren en minuten, bijv. 17:00</translation>
    </message>
    <message>
        <location filename="../profiles/editor_model.py" line="119" />
        <source>'%1' is not a time of day: hours go from 00 to 23 and minutes from 00 to 59</source>
        <translation>'%1' is geen tijdstip: uren lopen van 00 tot 23 en minuten van 00 tot 59</translation>
    </message>
    <message>
        <location filename="../profiles/editor_model.py" line="121" />
        <source>%1 = %2 A is below 6 A: a Mode 3 offer under 6 A charges nothing (IEC 61851), so the pole would pause charging instead. Use at least 6 A, or 0 A to pause charging on purpose</source>
        <translation>%1 = %2 A is minder dan 6 A: een Mode 3-aanbod onder 6 A laadt niets (IEC 61851), dus de paal zou het laden pauzeren. Gebruik minstens 6 A, of 0 A om bewust te pauzeren</translation>
    </message>
    <message>
        <location filename="../profiles/editor_model.py" line="125" />
        <source>Period %1 limit</source>
        <translation>Limiet periode %1</translation>
    </message>
    <message>
        <location filename="../profiles/editor_model.py" line="126" />
        <source>%1 per phase, %2 from %3 to %4 every day (overrule: %5), %6 A connection</source>
        <translation>%1 per fase, %2 van %3 tot %4 elke dag (overrule: %5), netaansluiting %6 A</translation>
    </message>
    <message>
        <location filename="../profiles/editor_model.py" line="128" />
        <source>%1 on connector %2, stack level %3, %4, %5 periods</source>
        <translation>%1 op connector %2, stackniveau %3, %4, %5 perioden</translation>
    </message>
    <message>
        <location filename="../profiles/editor_model.py" line="170" />
        <source>Normal limit</source>
        <translation>Normale limiet</translation>
    </message>
    <message>
        <location filename="../profiles/editor_model.py" line="171" />
        <source>Peak start</source>
        <translation>Begin piek</translation>
    </message>
    <message>
        <location filename="../profiles/editor_model.py" line="172" />
        <source>Peak end</source>
        <translation>Einde piek</translation>
    </message>
    <message>
        <location filename="../profiles/editor_model.py" line="173" />
        <source>Peak limit</source>
        <translation>Pieklimiet</translation>
    </message>
    <message>
        <location filename="../profiles/editor_model.py" line="174" />
        <source>Overrule limit</source>
        <translation>Overrule-limiet</translation>
    </message>
    <message>
        <location filename="../profiles/editor_model.py" line="175" />
        <source>Connection</source>
        <translation>Netaansluiting</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="39" />
        <source>Signature valid: signed by %1, issued by %2</source>
        <translation>Handtekening geldig: ondertekend door %1, uitgegeven door %2</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="40" />
        <source>Signed by %1 (not checked here: no manufacturer root set; the pole checks it)</source>
        <translation>Ondertekend door %1 (hier niet gecontroleerd: geen fabrikantroot ingesteld; de paal controleert het)</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="43" />
        <source>Signature NOT valid: %1</source>
        <translation>Handtekening NIET geldig: %1</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="44" />
        <source>Made for this pole's model (%1)</source>
        <translation>Gemaakt voor het model van deze paal (%1)</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="45" />
        <source>NOT for this pole: made for %1, the pole is %2</source>
        <translation>NIET voor deze paal: gemaakt voor %1, de paal is een %2</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="46" />
        <source>Firmware %1 is running.</source>
        <translation>Firmware %1 draait.</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="47" />
        <source>The pole went back to firmware %1: version %2 did not start healthy. The pole runs as before; report this to the manufacturer.</source>
        <translation>De paal ging terug naar firmware %1: versie %2 startte niet goed op. De paal werkt als voorheen; meld dit aan de fabrikant.</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="50" />
        <source>Installed. The pole restarts into %1 — waiting for it to come back.</source>
        <translation>Geïnstalleerd. De paal herstart met %1 — even wachten tot hij terug is.</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="52" />
        <source>Stopped at %1 %. Install again to resume: the pole keeps what it received.</source>
        <translation>Gestopt bij %1 %. Installeer opnieuw om te hervatten: de paal bewaart wat hij al ontving.</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="54" />
        <source>The pole refused the firmware: %1. It keeps running %2.</source>
        <translation>De paal weigerde de firmware: %1. Hij blijft %2 draaien.</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="58" />
        <source>the signature does not match the image (tampered, or another key)</source>
        <translation>de handtekening past niet bij de image (gewijzigd, of een andere sleutel)</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="60" />
        <source>it is not signed by a manufacturer this pole trusts</source>
        <translation>hij is niet ondertekend door een fabrikant die deze paal vertrouwt</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="62" />
        <source>the image arrived damaged</source>
        <translation>de image kwam beschadigd aan</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="63" />
        <source>the image did not arrive completely</source>
        <translation>de image kwam niet volledig aan</translation>
    </message>
    <message>
        <location filename="../firmware/local_install.py" line="65" />
        <source>it is made for another model</source>
        <translation>hij is voor een ander model gemaakt</translation>
    </message>
    <message>
        <location filename="../account_words.py" line="14" />
        <source>helpdesk</source>
        <translation>helpdesk</translation>
    </message>
    <message>
        <location filename="../account_words.py" line="15" />
        <source>technician</source>
        <translation>monteur</translation>
    </message>
    <message>
        <location filename="../account_words.py" line="16" />
        <source>engineer</source>
        <translation>engineer</translation>
    </message>
    <message>
        <location filename="../account_words.py" line="17" />
        <source>admin</source>
        <translation>beheerder</translation>
    </message>
    <message>
        <location filename="../account_words.py" line="19" />
        <source>Signed in: %1 (%2)</source>
        <translation>Aangemeld: %1 (%2)</translation>
    </message>
    <message>
        <location filename="../account_words.py" line="20" />
        <source>Your role (%1) may not do this; ask a colleague with a role that may.</source>
        <translation>Uw rol (%1) mag dit niet; vraag het een collega met een rol die het wel mag.</translation>
    </message>
    <message>
        <location filename="../account_words.py" line="22" />
        <source>Not signed in to the service</source>
        <translation>Niet aangemeld bij de service</translation>
    </message>
    <message>
        <location filename="../account_words.py" line="24" />
        <source>The user name or password is wrong.</source>
        <translation>De gebruikersnaam of het wachtwoord klopt niet.</translation>
    </message>
    <message>
        <location filename="../account_words.py" line="25" />
        <source>Too many wrong passwords: this account is locked for a while. Try again later or ask an admin.</source>
        <translation>Te vaak een verkeerd wachtwoord: dit account is een tijdje geblokkeerd. Probeer het later opnieuw of vraag het een beheerder.</translation>
    </message>
    <message>
        <location filename="../account_words.py" line="28" />
        <source>This account is disabled; ask an admin.</source>
        <translation>Dit account is uitgeschakeld; vraag het een beheerder.</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="39" />
        <source>firmware updated</source>
        <translation>firmware bijgewerkt</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="40" />
        <source>the pole could not log in at the service</source>
        <translation>de paal kon niet inloggen bij de service</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="42" />
        <source>the service could not prove itself to the pole</source>
        <translation>de service kon zich niet bewijzen aan de paal</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="44" />
        <source>pole clock set</source>
        <translation>klok van de paal gezet</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="45" />
        <source>pole started up</source>
        <translation>paal opgestart</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="46" />
        <source>pole restarted</source>
        <translation>paal herstart</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="47" />
        <source>security log was cleared</source>
        <translation>beveiligingslog gewist</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="48" />
        <source>security settings changed</source>
        <translation>beveiligingsinstellingen gewijzigd</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="50" />
        <source>pole ran out of memory</source>
        <translation>geheugen van de paal vol</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="51" />
        <source>invalid messages received</source>
        <translation>ongeldige berichten ontvangen</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="52" />
        <source>old messages sent again (replay attack?)</source>
        <translation>oude berichten opnieuw verstuurd (replay-aanval?)</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="54" />
        <source>pole opened or tampered with</source>
        <translation>paal geopend of gemanipuleerd</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="56" />
        <source>firmware refused: wrong signature</source>
        <translation>firmware geweigerd: verkeerde handtekening</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="58" />
        <source>firmware refused: signing certificate not valid</source>
        <translation>firmware geweigerd: ondertekeningscertificaat ongeldig</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="60" />
        <source>the pole refused the service's certificate</source>
        <translation>de paal weigerde het certificaat van de service</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="62" />
        <source>the pole's certificate is not valid</source>
        <translation>het certificaat van de paal is ongeldig</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="64" />
        <source>outdated TLS version refused</source>
        <translation>verouderde TLS-versie geweigerd</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="65" />
        <source>weak TLS encryption refused</source>
        <translation>zwakke TLS-versleuteling geweigerd</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="66" />
        <source>firmware rolled back</source>
        <translation>firmware teruggezet</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="67" />
        <source>invalid service token</source>
        <translation>ongeldig servicetoken</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="69" />
        <source>connection without password</source>
        <translation>verbinding zonder wachtwoord</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="70" />
        <source>wrong password</source>
        <translation>verkeerd wachtwoord</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="71" />
        <source>connection without TLS refused</source>
        <translation>verbinding zonder TLS geweigerd</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="72" />
        <source>pole certificate refused</source>
        <translation>paalcertificaat geweigerd</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="73" />
        <source>decommissioned pole tried to connect</source>
        <translation>buiten dienst gestelde paal probeerde te verbinden</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="75" />
        <source>second connection under this pole's name (impostor?)</source>
        <translation>tweede verbinding onder de naam van deze paal (bedrieger?)</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="77" />
        <source>connection replaced by a new one</source>
        <translation>verbinding vervangen door een nieuwe</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="78" />
        <source>lowering the security profile refused</source>
        <translation>verlagen van het beveiligingsprofiel geweigerd</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="80" />
        <source>security profile raised</source>
        <translation>beveiligingsprofiel verhoogd</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="81" />
        <source>password changed</source>
        <translation>wachtwoord gewijzigd</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="82" />
        <source>the pole refused its new password</source>
        <translation>de paal weigerde zijn nieuwe wachtwoord</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="84" />
        <source>pole registered</source>
        <translation>paal geregistreerd</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="85" />
        <source>pole decommissioned</source>
        <translation>paal buiten dienst gesteld</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="86" />
        <source>certificate installed</source>
        <translation>certificaat geïnstalleerd</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="87" />
        <source>certificate deleted</source>
        <translation>certificaat verwijderd</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="88" />
        <source>the pole refused a certificate change</source>
        <translation>de paal weigerde een certificaatwijziging</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="90" />
        <source>an operator was refused an action on this pole (role)</source>
        <translation>een gebruiker mocht een handeling op deze paal niet uitvoeren (rol)</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="104" />
        <source>Security: %1</source>
        <translation>Beveiliging: %1</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="105" />
        <source>%1 from %2</source>
        <translation>%1 vanaf %2</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="106" />
        <source>%1 (%2×)</source>
        <translation>%1 (%2×)</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="111" />
        <source>no password, no encryption</source>
        <translation>geen wachtwoord, geen versleuteling</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="112" />
        <source>password, no encryption</source>
        <translation>wachtwoord, geen versleuteling</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="113" />
        <source>password over TLS</source>
        <translation>wachtwoord via TLS</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="114" />
        <source>TLS with pole certificate</source>
        <translation>TLS met paalcertificaat</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="116" />
        <source>Security profile %1 (%2)</source>
        <translation>Beveiligingsprofiel %1 (%2)</translation>
    </message>
    <message>
        <location filename="../security_words.py" line="117" />
        <source>Not in the pole register (connects without password)</source>
        <translation>Niet in het palenregister (verbindt zonder wachtwoord)</translation>
    </message>
    <message>
        <location filename="../audit/trail.py" line="25" />
        <source>%1: type a date as year-month-day, e.g. %2.</source>
        <translation>%1: typ een datum als jaar-maand-dag, bijv. %2.</translation>
    </message>
    <message>
        <location filename="../audit/trail.py" line="26" />
        <source>The period ends before it starts.</source>
        <translation>De periode eindigt voordat hij begint.</translation>
    </message>
    <message>
        <location filename="../audit/trail.py" line="27" />
        <source>done</source>
        <translation>gedaan</translation>
    </message>
    <message>
        <location filename="../audit/trail.py" line="28" />
        <source>refused</source>
        <translation>geweigerd</translation>
    </message>
    <message>
        <location filename="../audit/trail.py" line="29" />
        <source>failed (%1)</source>
        <translation>mislukt (%1)</translation>
    </message>
    <message>
        <location filename="../audit/trail.py" line="30" />
        <source>recorded</source>
        <translation>vastgelegd</translation>
    </message>
    <message>
        <location filename="../issued_tokens.py" line="21" />
        <source>all poles</source>
        <translation>alle laadpalen</translation>
    </message>
    <message>
        <location filename="../issued_tokens.py" line="22" />
        <source>valid, %1 left</source>
        <translation>geldig, nog %1</translation>
    </message>
    <message>
        <location filename="../issued_tokens.py" line="23" />
        <source>expired</source>
        <translation>verlopen</translation>
    </message>
    <message>
        <location filename="../issued_tokens.py" line="24" />
        <source>revoked by %1 at %2</source>
        <translation>ingetrokken door %1 op %2</translation>
    </message>
    <message>
        <location filename="../issued_tokens.py" line="25" />
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../issued_tokens.py" line="26" />
        <source>Revoked. Told at once: %1. Poles not connected now refuse it from their next connection to the service.</source>
        <translation>Ingetrokken. Direct doorgegeven aan: %1. Laadpalen die nu niet verbonden zijn, weigeren het vanaf hun volgende verbinding met de service.</translation>
    </message>
    <message>
        <location filename="../issued_tokens.py" line="29" />
        <source>Revoked. No pole it covers is connected now: each refuses it from its next connection to the service.</source>
        <translation>Ingetrokken. Geen van de laadpalen waarvoor het geldt is nu verbonden: elke laadpaal weigert het vanaf zijn volgende verbinding met de service.</translation>
    </message>
    <message>
        <location filename="../issued_tokens.py" line="32" />
        <source>Not reached now: %1 (they hear of it at their next connection).</source>
        <translation>Nu niet bereikt: %1 (die horen het bij hun volgende verbinding).</translation>
    </message>
    <message>
        <location filename="../issued_tokens.py" line="34" />
        <source>Revoke the service token of %1 for %2? It stops working on every pole; a technician on site without signal cannot get a new one there.</source>
        <translation>Het servicetoken van %1 voor %2 intrekken? Het werkt dan op geen enkele laadpaal meer; een monteur ter plaatse zonder bereik kan daar geen nieuw token halen.</translation>
    </message>
    <message>
        <location filename="../roaming/partners.py" line="22" />
        <source>invited: waiting for it to register</source>
        <translation>uitgenodigd: wacht op aanmelding</translation>
    </message>
    <message>
        <location filename="../roaming/partners.py" line="23" />
        <source>registering</source>
        <translation>bezig met aanmelden</translation>
    </message>
    <message>
        <location filename="../roaming/partners.py" line="25" />
        <source>suspended</source>
        <translation>opgeschort</translation>
    </message>
    <message>
        <location filename="../roaming/partners.py" line="28" />
        <source>Give %1's admin this versions URL and token (shown only now): %2  %3</source>
        <translation>Geef de beheerder van %1 deze versie-URL en dit token (alleen nu zichtbaar): %2  %3</translation>
    </message>
    <message>
        <location filename="../grid/admin.py" line="24" />
        <source>Give %1 this registration URL and initial token (shown only now): %2  %3</source>
        <translation>Geef %1 deze registratie-URL en het eerste token (alleen nu getoond): %2  %3</translation>
    </message>
    <message>
        <location filename="../grid/admin.py" line="26" />
        <source>%1 cannot be used: use letters, digits, dot, dash or underscore (at most 64)</source>
        <translation>%1 kan niet: gebruik letters, cijfers, punt, streepje of liggend streepje (hoogstens 64)</translation>
    </message>
    <message>
        <location filename="../grid/admin.py" line="28" />
        <source>Choose the pole whose grid group to set.</source>
        <translation>Kies de laadpaal waarvan u de netgroep wilt instellen.</translation>
    </message>
    <message>
        <location filename="../grid/admin.py" line="29" />
        <source>%1 is not a pole of this service: choose one from the list.</source>
        <translation>%1 is geen laadpaal van deze service: kies er een uit de lijst.</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs.py" line="25" />
        <source>every pole (fleet-wide)</source>
        <translation>alle laadpalen (hele vloot)</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs.py" line="26" />
        <source>pole %1</source>
        <translation>laadpaal %1</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs.py" line="27" />
        <source>%1 is not a number: %2</source>
        <translation>%1 is geen getal: %2</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs.py" line="28" />
        <source>%1 must be between € 0.00 and € %2 excl. VAT; %3 is not (a decimal point slipped?).</source>
        <translation>%1 moet tussen € 0,00 en € %2 excl. btw liggen; %3 valt daarbuiten (komma vergeten?).</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs.py" line="31" />
        <source>VAT must be between 0 and %1 % (the Netherlands: 21 %); %2 is not.</source>
        <translation>De btw moet tussen 0 en %1 % liggen (Nederland: 21 %); %2 valt daarbuiten.</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs.py" line="33" />
        <source>Give the tariff a name: letters, digits, '-', '_' or '.', at most 36.</source>
        <translation>Geef het tarief een naam: letters, cijfers, '-', '_' of '.', hoogstens 36 tekens.</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs.py" line="35" />
        <source>The pole ID has spaces or odd characters: %1</source>
        <translation>Het laadpaalnummer bevat spaties of vreemde tekens: %1</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs.py" line="38" />
        <source>The price per kWh</source>
        <translation>De prijs per kWh</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs.py" line="39" />
        <source>The price per hour</source>
        <translation>De prijs per uur</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs.py" line="40" />
        <source>The fee per session</source>
        <translation>Het starttarief per laadsessie</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs.py" line="41" />
        <source>VAT</source>
        <translation>Btw</translation>
    </message>
</context>
<context>
    <name>FleetView</name>
    <message>
        <location filename="../fleet/view.py" line="42" />
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="43" />
        <source>Needs attention</source>
        <translation>Vraagt aandacht</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="45" />
        <source>Faulted</source>
        <translation>Storing</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="46" />
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="47" />
        <source>Charging</source>
        <translation>Laden</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="117" />
        <source>Paalwerk — Fleet</source>
        <translation>Paalwerk — Vloot</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="122" />
        <source>Search poles, operators, status…</source>
        <translation>Zoek palen, netbeheerders, status…</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="237" />
        <source>⚠ Not live since %1: the table shows the last known state (greyed) and may be out of date. Reconnecting… Reason: %2</source>
        <translation>⚠ Niet live sinds %1: de tabel toont de laatst bekende toestand (grijs) en kan verouderd zijn. Opnieuw verbinden… Reden: %2</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="240" />
        <source>unknown</source>
        <translation>onbekend</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="248" />
        <source>%1 of %2 poles</source>
        <translation>%1 van %2 palen</translation>
    </message>
</context>
<context>
    <name>GridGroupsView</name>
    <message>
        <location filename="../grid/view.py" line="73" />
        <source>Connect to a service to see its grid groups.</source>
        <translation>Verbind met een service om de netgroepen te zien.</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="87" />
        <source>Current per phase (A)</source>
        <translation>Stroom per fase (A)</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="90" />
        <source>Grid operator's forecast</source>
        <translation>Capaciteitsprognose van de netbeheerder</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="92" />
        <source>Group's actual current</source>
        <translation>Werkelijke stroom van de groep</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="93" />
        <source>local time (Europe/Amsterdam)</source>
        <translation>lokale tijd (Europe/Amsterdam)</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="102" />
        <source>Pole</source>
        <translation>Laadpaal</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="102" />
        <source>Share (A)</source>
        <translation>Toegewezen (A)</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="102" />
        <source>Drawing (A)</source>
        <translation>Afname (A)</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="102" />
        <source>State</source>
        <translation>Toestand</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="109" />
        <source>Add a grid operator…</source>
        <translation>Netbeheerder toevoegen…</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="111" />
        <source>Set a pole's grid group…</source>
        <translation>Netgroep van een laadpaal instellen…</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="117" />
        <source>Grid group</source>
        <translation>Netgroep</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="145" />
        <source>Read grid groups</source>
        <translation>Netgroepen lezen</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="157" />
        <source>Give the grid operator a name.</source>
        <translation>Geef de netbeheerder een naam.</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="160" />
        <source>Add grid operator {name}</source>
        <translation>Netbeheerder {name} toevoegen</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="177" />
        <source>List the poles</source>
        <translation>Laadpalen opvragen</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="188" />
        <source>Set the grid group of {pole}</source>
        <translation>Netgroep van {pole} instellen</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="191" />
        <source>{pole} is now in grid group {group}.</source>
        <translation>{pole} zit nu in netgroep {group}.</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="193" />
        <source>{pole} is no longer in a grid group.</source>
        <translation>{pole} zit niet meer in een netgroep.</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="216" />
        <source>Add a grid operator</source>
        <translation>Netbeheerder toevoegen</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="220" />
        <source>Short id (letters, digits, . _ -)</source>
        <translation>Korte code (letters, cijfers, . _ -)</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="221" />
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="259" />
        <source>No grid group to show yet: once a pole is in a grid group, its grid operator's forecast and the group's current appear here.</source>
        <translation>Nog geen netgroep om te tonen: zodra een laadpaal in een netgroep zit, verschijnen hier de prognose van de netbeheerder en de stroom van de groep.</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="261" />
        <source>No forecast and no measured current yet. The forecast appears when the grid operator sends one over OSCP; the measured current when the group's poles send meter values while they charge.</source>
        <translation>Nog geen prognose en nog geen gemeten stroom. De prognose verschijnt zodra de netbeheerder er een via OSCP stuurt; de gemeten stroom zodra de laadpalen van de groep tijdens het laden meterwaarden sturen.</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="282" />
        <source>No pole is in a grid group yet: set a pole's grid group (or import a CSV) to follow a grid operator's forecasts.</source>
        <translation>Nog geen laadpaal zit in een netgroep: stel de netgroep van een laadpaal in (of importeer een CSV) om de prognoses van de netbeheerder te volgen.</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="288" />
        <source>No forecast in force — drawing {actual:.1f} A</source>
        <translation>Geen prognose van kracht — afname {actual:.1f} A</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="290" />
        <source>Capped at {limit:.1f} A — drawing {actual:.1f} A</source>
        <translation>Begrensd op {limit:.1f} A — afname {actual:.1f} A</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="313" />
        <source>paused: the cap leaves it nothing</source>
        <translation>gepauzeerd: de begrenzing laat niets over</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="314" />
        <source>not capped</source>
        <translation>niet begrensd</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="315" />
        <source>charging</source>
        <translation>laadt</translation>
    </message>
    <message>
        <location filename="../grid/view.py" line="315" />
        <source>idle</source>
        <translation>vrij</translation>
    </message>
</context>
<context>
    <name>GroupDialog</name>
    <message>
        <location filename="../grid/group_dialog.py" line="42" />
        <source>Set a pole's grid group</source>
        <translation>Netgroep van een laadpaal instellen</translation>
    </message>
    <message>
        <location filename="../grid/group_dialog.py" line="46" />
        <source>Choose an existing grid group or type a new name (the cable or transformer the grid operator's forecasts are for). Leave it empty to take the pole out of its group.</source>
        <translation>Kies een bestaande netgroep of typ een nieuwe naam (de kabel of transformator waarvoor de netbeheerder zijn prognoses stuurt). Laat het leeg om de laadpaal uit zijn netgroep te halen.</translation>
    </message>
    <message>
        <location filename="../grid/group_dialog.py" line="51" />
        <source>Pole</source>
        <translation>Laadpaal</translation>
    </message>
    <message>
        <location filename="../grid/group_dialog.py" line="53" />
        <source>Grid group</source>
        <translation>Netgroep</translation>
    </message>
    <message>
        <location filename="../grid/group_dialog.py" line="68" />
        <source>Now in grid group {group}.</source>
        <translation>Zit nu in netgroep {group}.</translation>
    </message>
    <message>
        <location filename="../grid/group_dialog.py" line="69" />
        <source>Now in no grid group.</source>
        <translation>Zit nu in geen netgroep.</translation>
    </message>
</context>
<context>
    <name>HelpMenu</name>
    <message>
        <location filename="../help/dialogs.py" line="164" />
        <source>&amp;Help</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="165" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Sneltoetsen</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="168" />
        <source>&amp;About Paalwerk</source>
        <translation>&amp;Over Paalwerk</translation>
    </message>
</context>
<context>
    <name>IssuedTokensDialog</name>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="53" />
        <source>Issued service tokens</source>
        <translation>Uitgegeven servicetokens</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="59" />
        <source>Service tokens the service issued that have not expired. Revoke one when a laptop is lost or a visit is over: connected poles refuse it at once, the others from their next connection.</source>
        <translation>Servicetokens die de service heeft uitgegeven en die nog niet verlopen zijn. Trek er een in als een laptop kwijt is of een bezoek klaar is: verbonden laadpalen weigeren het direct, de andere vanaf hun volgende verbinding.</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="65" />
        <source>Technician</source>
        <translation>Monteur</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="65" />
        <source>Poles</source>
        <translation>Palen</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="65" />
        <source>Issued</source>
        <translation>Uitgegeven</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="66" />
        <source>Valid until</source>
        <translation>Geldig tot</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="66" />
        <source>State</source>
        <translation>Toestand</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="80" />
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="82" />
        <source>Revoke…</source>
        <translation>Intrekken…</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="110" />
        <source>Choose a token still in force in the list</source>
        <translation>Kies in de lijst een token dat nog geldig is</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="126" />
        <source>No service token is in force or recently issued.</source>
        <translation>Er is geen servicetoken geldig of onlangs uitgegeven.</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="136" />
        <source>Your role may not see the issued service tokens.</source>
        <translation>Uw rol mag de uitgegeven servicetokens niet inzien.</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="140" />
        <source>Listing the issued service tokens</source>
        <translation>Uitgegeven servicetokens ophalen</translation>
    </message>
    <message>
        <location filename="../views/issued_tokens_dialog.py" line="157" />
        <source>Revoking the service token of %1</source>
        <translation>Servicetoken van %1 intrekken</translation>
    </message>
</context>
<context>
    <name>LivePlot</name>
    <message>
        <location filename="../plot/live_plot.py" line="181" />
        <source>How much history the plot shows</source>
        <translation>Hoeveel geschiedenis de grafiek toont</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="183" />
        <location filename="../plot/live_plot.py" line="436" />
        <source>Pause</source>
        <translation>Pauze</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="185" />
        <source>Freeze the picture; samples keep being recorded</source>
        <translation>Zet het beeld stil; metingen worden verder vastgelegd</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="187" />
        <source>Export CSV…</source>
        <translation>CSV exporteren…</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="188" />
        <source>Save the raw samples of the window shown</source>
        <translation>Sla de ruwe metingen van het getoonde venster op</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="193" />
        <source>Window:</source>
        <translation>Venster:</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="216" />
        <source>Current</source>
        <translation>Stroom</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="218" />
        <source>local time (%1)</source>
        <translation>lokale tijd (%1)</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="272" />
        <source>L%1</source>
        <translation>L%1</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="273" />
        <source>Socket %1</source>
        <translation>Laadpunt %1</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="275" />
        <source>Pole</source>
        <translation>Paal</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="291" />
        <source>The pole's clock went back %1 s: the plot starts again</source>
        <translation>De klok van de paal ging %1 s terug: de grafiek begint opnieuw</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="370" />
        <source>drawn</source>
        <translation>getekend</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="371" />
        <source>Drawn this much lower than measured, so that equal phases show as separate lines; the values beside are as measured</source>
        <translation>Zoveel lager getekend dan gemeten, zodat gelijke fasen als aparte lijnen zichtbaar zijn; de waarden ernaast zijn zoals gemeten</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="376" />
        <source>−%1 A</source>
        <translation>−%1 A</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="436" />
        <source>Resume</source>
        <translation>Hervatten</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="584" />
        <source>Export CSV</source>
        <translation>CSV exporteren</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="586" />
        <source>CSV files (*.csv)</source>
        <translation>CSV-bestanden (*.csv)</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="598" />
        <source>Exporting…</source>
        <translation>Exporteren…</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="607" />
        <source>Exported %1 samples to %2</source>
        <translation>%1 metingen geëxporteerd naar %2</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="611" />
        <source>Export to %1 failed: %2</source>
        <translation>Exporteren naar %1 mislukt: %2</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="624" />
        <source>Socket %1 L%2</source>
        <translation>Laadpunt %1 L%2</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="275" />
        <location filename="../plot/live_plot.py" line="626" />
        <source>Limit</source>
        <translation>Limiet</translation>
    </message>
</context>
<context>
    <name>LocationActions</name>
    <message>
        <location filename="../outages/locations.py" line="111" />
        <source>Location of the selected pole…</source>
        <translation>Locatie van de gekozen laadpaal…</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="113" />
        <source>Address, coordinates and grid operator area of the pole selected in Fleet</source>
        <translation>Adres, coördinaten en netgebied van de laadpaal die in Vloot gekozen is</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="115" />
        <source>Import locations from CSV…</source>
        <translation>Locaties importeren uit CSV…</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="130" />
        <source>Select one pole in the Fleet first.</source>
        <translation>Kies eerst één laadpaal in Vloot.</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="135" />
        <source>Reading the location of %1</source>
        <translation>Locatie van %1 lezen</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="150" />
        <source>Saving the location of %1</source>
        <translation>Locatie van %1 opslaan</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="171" />
        <source>Importing locations from %1</source>
        <translation>Locaties importeren uit %1</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="177" />
        <source>the file is not UTF-8 text: save it as 'CSV UTF-8'</source>
        <translation>het bestand is geen UTF-8-tekst: sla het op als 'CSV UTF-8'</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="186" />
        <source>%1 locations imported.</source>
        <translation>%1 locaties geïmporteerd.</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="188" />
        <source>Not imported:</source>
        <translation>Niet geïmporteerd:</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="196" />
        <source>Import locations</source>
        <translation>Locaties importeren</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="197" />
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV-bestanden (*.csv);;Alle bestanden (*)</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="201" />
        <source>Locations</source>
        <translation>Locaties</translation>
    </message>
</context>
<context>
    <name>LocationDialog</name>
    <message>
        <location filename="../outages/locations.py" line="47" />
        <source>Location of %1</source>
        <translation>Locatie van %1</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="48" />
        <source>Address</source>
        <translation>Adres</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="48" />
        <source>Postcode</source>
        <translation>Postcode</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="49" />
        <source>City</source>
        <translation>Plaats</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="49" />
        <source>Latitude</source>
        <translation>Breedtegraad</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="50" />
        <source>Longitude</source>
        <translation>Lengtegraad</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="51" />
        <source>Grid operator</source>
        <translation>Netbeheerder</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="52" />
        <source>Grid area code</source>
        <translation>Netgebiedcode</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="60" />
        <source>degrees north, e.g. 52.2551</source>
        <translation>graden noord, bijv. 52.2551</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="61" />
        <source>degrees east, e.g. 6.1639</source>
        <translation>graden oost, bijv. 6.1639</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="62" />
        <source>e.g. Enexis, Liander</source>
        <translation>bijv. Enexis, Liander</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="64" />
        <source>the grid operator's area: poles there lose power together</source>
        <translation>het gebied van de netbeheerder: laadpalen daar vallen samen zonder stroom</translation>
    </message>
    <message>
        <location filename="../outages/locations.py" line="87" />
        <source>Saving…</source>
        <translation>Opslaan…</translation>
    </message>
</context>
<context>
    <name>LocationForm</name>
    <message>
        <location filename="../outages/location_form.py" line="31" />
        <source>%1 must be a number of degrees, e.g. 52.2551</source>
        <translation>%1 moet een aantal graden zijn, bijv. 52.2551</translation>
    </message>
    <message>
        <location filename="../outages/location_form.py" line="39" />
        <source>Latitude</source>
        <translation>Breedtegraad</translation>
    </message>
    <message>
        <location filename="../outages/location_form.py" line="41" />
        <source>Longitude</source>
        <translation>Lengtegraad</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../views/login_dialog.py" line="38" />
        <source>Paalwerk — Sign in to the service</source>
        <translation>Paalwerk — Aanmelden bij de service</translation>
    </message>
    <message>
        <location filename="../views/login_dialog.py" line="40" />
        <source>Service: %1</source>
        <translation>Service: %1</translation>
    </message>
    <message>
        <location filename="../views/login_dialog.py" line="43" />
        <source>your user name</source>
        <translation>uw gebruikersnaam</translation>
    </message>
    <message>
        <location filename="../views/login_dialog.py" line="46" />
        <source>the password the admin gave you</source>
        <translation>het wachtwoord dat u van de beheerder kreeg</translation>
    </message>
    <message>
        <location filename="../views/login_dialog.py" line="50" />
        <source>Sign in</source>
        <translation>Aanmelden</translation>
    </message>
    <message>
        <location filename="../views/login_dialog.py" line="58" />
        <source>User name</source>
        <translation>Gebruikersnaam</translation>
    </message>
    <message>
        <location filename="../views/login_dialog.py" line="59" />
        <source>Password</source>
        <translation>Wachtwoord</translation>
    </message>
    <message>
        <location filename="../views/login_dialog.py" line="71" />
        <source>Type your user name and password.</source>
        <translation>Vul uw gebruikersnaam en wachtwoord in.</translation>
    </message>
    <message>
        <location filename="../views/login_dialog.py" line="74" />
        <source>Signing in…</source>
        <translation>Bezig met aanmelden…</translation>
    </message>
    <message>
        <location filename="../views/login_dialog.py" line="82" />
        <source>Signing in</source>
        <translation>Aanmelden</translation>
    </message>
    <message>
        <location filename="../views/login_dialog.py" line="87" />
        <source>Not signed in</source>
        <translation>Niet aangemeld</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../views/main_window.py" line="133" />
        <source>On site (this pole)</source>
        <translation>Ter plekke (deze paal)</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="134" />
        <source>Across the fleet</source>
        <translation>Over de vloot</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="156" />
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="156" />
        <source>Fleet</source>
        <translation>Vloot</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="156" />
        <source>Pole</source>
        <translation>Paal</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="157" />
        <source>Capacity profile</source>
        <translation>Capaciteitsprofiel</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="157" />
        <source>Firmware</source>
        <translation>Firmware</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="158" />
        <source>Commissioning</source>
        <translation>Inbedrijfstelling</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="158" />
        <source>Cards</source>
        <translation>Passen</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="158" />
        <source>Audit</source>
        <translation>Audit</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="159" />
        <source>Reports</source>
        <translation>Rapportages</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="160" />
        <source>Roaming partners</source>
        <translation>Roamingpartners</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="160" />
        <source>Outages</source>
        <translation>Storingen</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="161" />
        <source>Grid groups</source>
        <translation>Netgroepen</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="188" />
        <source>&amp;View</source>
        <translation>&amp;Beeld</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="198" />
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="203" />
        <source>Quit</source>
        <translation>Afsluiten</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="208" />
        <source>&amp;Poles</source>
        <translation>&amp;Palen</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="209" />
        <source>Register or decommission a pole…</source>
        <translation>Paal registreren of uit bedrijf nemen…</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="212" />
        <source>Prepare a site visit…</source>
        <translation>Locatiebezoek voorbereiden…</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="214" />
        <source>Fetch service tokens for the poles selected in Fleet, to write on them offline</source>
        <translation>Haal servicetokens op voor de in Vloot geselecteerde palen, om er offline op te schrijven</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="219" />
        <source>Issued service tokens…</source>
        <translation>Uitgegeven servicetokens…</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="221" />
        <source>See the service tokens technicians hold, and revoke one (a lost laptop)</source>
        <translation>Bekijk welke servicetokens monteurs hebben en trek er een in (een kwijtgeraakte laptop)</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="235" />
        <source>Paalwerk — Pole register</source>
        <translation>Paalwerk — Palenregister</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="294" />
        <source>Asking who is signed in</source>
        <translation>Nagaan wie er is aangemeld</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="329" />
        <source>You are connected to %1. Open %2 instead? The link to %1 is closed.</source>
        <translation>Je bent verbonden met %1. In plaats daarvan %2 openen? De verbinding met %1 wordt gesloten.</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="344" />
        <source>Connect to a service first</source>
        <translation>Verbind eerst met een service</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="410" />
        <source>Starting charges on the demo's poles</source>
        <translation>Laadsessies starten op de palen van de demo</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="418" />
        <source>Starting the demo's serial pole</source>
        <translation>Seriële paal van de demo starten</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="420" />
        <source>Starting the demo's service</source>
        <translation>Service van de demo starten</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="422" />
        <source>Starting the demo's BLE pole</source>
        <translation>BLE-paal van de demo starten</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <location filename="../message_bar.py" line="36" />
        <source>Details…</source>
        <translation>Details…</translation>
    </message>
    <message>
        <location filename="../message_bar.py" line="39" />
        <source>Dismiss</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>MessageLogPanel</name>
    <message>
        <location filename="../views/message_log_panel.py" line="35" />
        <source>Time</source>
        <translation>Tijd</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="36" />
        <source>Direction</source>
        <translation>Richting</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="37" />
        <source>Action</source>
        <translation>Actie</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="38" />
        <source>Latency</source>
        <translation>Vertraging</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="39" />
        <source>Payload</source>
        <translation>Inhoud</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="58" />
        <source>All actions</source>
        <translation>Alle acties</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="65" />
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="67" />
        <source>Replay…</source>
        <translation>Afspelen…</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="69" />
        <source>Watch this pole's messages of a chosen time window again in the Pole view, at up to 600× speed: to reproduce what a driver reported</source>
        <translation>De berichten van deze laadpaal in een gekozen tijdvak opnieuw bekijken in de laadpaalweergave, tot 600× versneld: om na te spelen wat een bestuurder meldde</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="76" />
        <source>The message log is kept by the service: connect to the pole through a service to see it.</source>
        <translation>Het berichtenlog wordt door de service bijgehouden: verbind via een service met de paal om het te zien.</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="110" />
        <source>Reading the message log</source>
        <translation>Berichtenlog lezen</translation>
    </message>
</context>
<context>
    <name>OutageBoard</name>
    <message>
        <location filename="../outages/board.py" line="36" />
        <source>Grid or area power outage</source>
        <translation>Stroomstoring in het net of de wijk</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="37" />
        <source>Telecom (modem, network)</source>
        <translation>Telecom (modem, netwerk)</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="38" />
        <source>Hardware fault</source>
        <translation>Hardwarestoring</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="39" />
        <source>Firmware</source>
        <translation>Firmware</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="40" />
        <source>Capacity profile: no charge in the peak</source>
        <translation>Capaciteitsprofiel: niet laden in de piek</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="41" />
        <source>Security</source>
        <translation>Beveiliging</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="123" />
        <source>Connect to a service to see its outage board.</source>
        <translation>Verbind met een service om het storingsbord te zien.</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="126" />
        <source>No outages in area %1.</source>
        <translation>Geen storingen in gebied %1.</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="127" />
        <source>No outages: every pole is online, available and charging as it should.</source>
        <translation>Geen storingen: elke laadpaal is online, beschikbaar en laadt zoals het hoort.</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="130" />
        <source>%1 poles need attention (board of %2).</source>
        <translation>%1 laadpalen vragen aandacht (bord van %2).</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="143" />
        <source>unknown</source>
        <translation>onbekend</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="146" />
        <source>%1, %2 h left of 98 %</source>
        <translation>%1, nog %2 u tot 98 %</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="148" />
        <source>%1, 98 % missed by %2 h</source>
        <translation>%1, 98 % gemist met %2 u</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="156" />
        <source>Since %1</source>
        <translation>Sinds %1</translation>
    </message>
    <message>
        <location filename="../outages/board.py" line="158" />
        <source>Next step: %1</source>
        <translation>Volgende stap: %1</translation>
    </message>
</context>
<context>
    <name>OutageEvidence</name>
    <message>
        <location filename="../outages/evidence_words.py" line="28" />
        <source>%1 poles in area %2 lost their connection between %3 and %4 (%5 s apart).</source>
        <translation>%1 laadpalen in gebied %2 verloren hun verbinding tussen %3 en %4 (%5 s na elkaar).</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="32" />
        <source>%1 of them are back; their transactions stopped with reason PowerLoss %2 times: the power went, not the network.</source>
        <translation>%1 daarvan zijn terug; hun transacties stopten %2 keer met reden PowerLoss: de stroom viel weg, niet het netwerk.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="36" />
        <source>%1 of them are back; none had a transaction running to report a PowerLoss stop, so the shared minute is the evidence.</source>
        <translation>%1 daarvan zijn terug; geen had een lopende transactie die een PowerLoss-stop kon melden, dus de gedeelde minuut is het bewijs.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="40" />
        <source>Offline since %1; no other pole of its area dropped at that minute.</source>
        <translation>Offline sinds %1; geen andere laadpaal in het gebied viel in die minuut weg.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="44" />
        <source>Offline since %1; no location is set, so its area cannot be compared.</source>
        <translation>Offline sinds %1; er is geen locatie ingesteld, dus het gebied kan niet worden vergeleken.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="48" />
        <source>Offline since %1; the service stopped while it was connected and it has not come back.</source>
        <translation>Offline sinds %1; de service stopte terwijl de laadpaal verbonden was, en die is niet teruggekomen.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="52" />
        <source>Not reconnected since the service restarted at %1; it was connected when the service stopped (%2).</source>
        <translation>Niet opnieuw verbonden sinds de service om %1 herstartte; de laadpaal was verbonden toen de service stopte (%2).</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="56" />
        <source>%1 connections lost without a goodbye in the last %2 days, %3 of them within %4 minutes of connecting; %5 ended after missed heartbeats.</source>
        <translation>%1 verbindingen zonder afmelding verbroken in de afgelopen %2 dagen, waarvan %3 binnen %4 minuten na het verbinden; %5 eindigden na gemiste heartbeats.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="61" />
        <source>The pole reported WeakSignal %1 times.</source>
        <translation>De laadpaal meldde %1 keer WeakSignal (zwak signaal).</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="63" />
        <source>No PowerLoss stop with these drops: the pole kept its power.</source>
        <translation>Geen PowerLoss-stop bij deze onderbrekingen: de laadpaal hield stroom.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="66" />
        <source>If it lost power on its own, its PowerLoss stops arrive once it is back; until then the link is the suspect.</source>
        <translation>Als alleen deze laadpaal stroom verloor, komen de PowerLoss-stops binnen zodra hij terug is; tot dan is de verbinding de verdachte.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="70" />
        <source>Booted %1 times in %2 minutes from %3: a boot loop.</source>
        <translation>%1 keer opgestart in %2 minuten vanaf %3: een opstartlus.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="73" />
        <source>It began %1 minutes after a firmware update was installed (%2).</source>
        <translation>Dit begon %1 minuten nadat een firmware-update was geïnstalleerd (%2).</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="76" />
        <source>Firmware update failed: %1 at %2.</source>
        <translation>Firmware-update mislukt: %1 om %2.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="78" />
        <source>Sockets paused by the pole for %1 minutes in the evening peaks of the last %2 days: vehicles waited without charge.</source>
        <translation>Laadpunten %1 minuten gepauzeerd door de laadpaal in de avondpieken van de afgelopen %2 dagen: voertuigen wachtten zonder te laden.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="82" />
        <source>%1 offers below %2 A in the peak (lowest %3 A).</source>
        <translation>%1 keer minder dan %2 A aangeboden in de piek (laagste %3 A).</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="85" />
        <source>%1 low-current vehicles (eis 30) could not charge on the peak limit and got the overrule automatically.</source>
        <translation>%1 voertuigen met lage laadstroom (eis 30) konden niet laden op de piekgrens en kregen automatisch de overrule.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="94" />
        <source>Socket %1 reported %2 %3 times since %4.</source>
        <translation>Laadpunt %1 meldde %3 keer %2 sinds %4.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="95" />
        <source>Socket %1 reported %2 %3 times since %4, %5 of them in the evening peak.</source>
        <translation>Laadpunt %1 meldde %3 keer %2 sinds %4, waarvan %5 keer in de avondpiek.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="98" />
        <source>The pole reported %2 %3 times since %4.</source>
        <translation>De laadpaal meldde %3 keer %2 sinds %4.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="99" />
        <source>The pole reported %2 %3 times since %4, %5 of them in the evening peak.</source>
        <translation>De laadpaal meldde %3 keer %2 sinds %4, waarvan %5 keer in de avondpiek.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="104" />
        <source>It is Faulted now (since %1).</source>
        <translation>Het laadpunt is nu in storing (sinds %1).</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="106" />
        <source>%1 %2 times, last at %3.</source>
        <translation>%1 %2 keer, laatst om %3.</translation>
    </message>
    <message>
        <location filename="../outages/evidence_words.py" line="107" />
        <source>%1 %2 times, last at %3: %4.</source>
        <translation>%1 %2 keer, laatst om %3: %4.</translation>
    </message>
</context>
<context>
    <name>OutageSteps</name>
    <message>
        <location filename="../outages/step_words.py" line="20" />
        <source>Call the grid operator's outage line for the area; nothing to send to the poles: they restart by themselves when power returns (eis 43).</source>
        <translation>Bel de storingslijn van de netbeheerder voor dit gebied; niets naar de laadpalen sturen: ze starten vanzelf weer op als de stroom terug is (eis 43).</translation>
    </message>
    <message>
        <location filename="../outages/step_words.py" line="24" />
        <source>Reset the modem remotely if the pole answers; otherwise send a technician with a spare modem and SIM and check the signal.</source>
        <translation>Reset de modem op afstand als de laadpaal antwoordt; stuur anders een monteur met een reservemodem en simkaart en controleer het signaal.</translation>
    </message>
    <message>
        <location filename="../outages/step_words.py" line="28" />
        <source>Reset the socket remotely once; if it trips again, send a technician to test the socket and its protection.</source>
        <translation>Reset het laadpunt één keer op afstand; schakelt het opnieuw af, stuur dan een monteur om het laadpunt en zijn beveiliging te testen.</translation>
    </message>
    <message>
        <location filename="../outages/step_words.py" line="32" />
        <source>Hold the firmware rollout and install the previous release on this pole; report the failure to the manufacturer.</source>
        <translation>Zet de firmware-uitrol stil en installeer de vorige versie op deze laadpaal; meld de storing bij de fabrikant.</translation>
    </message>
    <message>
        <location filename="../outages/step_words.py" line="36" />
        <source>Check the pole's capacity profile and connection size (eis 24, 33); ask the grid operator whether the peak limit can be raised.</source>
        <translation>Controleer het capaciteitsprofiel en de aansluitwaarde van de laadpaal (eis 24, 33); vraag de netbeheerder of de piekgrens omhoog kan.</translation>
    </message>
    <message>
        <location filename="../outages/step_words.py" line="40" />
        <source>Check the pole's credentials and security profile; if nobody changed them, treat it as an attack: rotate the key and inform security.</source>
        <translation>Controleer de inloggegevens en het beveiligingsprofiel van de laadpaal; heeft niemand ze gewijzigd, behandel het dan als een aanval: vervang de sleutel en licht de beveiliging in.</translation>
    </message>
    <message>
        <location filename="../outages/step_words.py" line="44" />
        <source>Send a technician to test the earth-fault protection (aardlekschakelaar) and the charging cable of the socket; a trip every evening often is one vehicle with a leaking charger.</source>
        <translation>Stuur een monteur om de aardlekschakelaar en de laadkabel van het laadpunt te testen; een afschakeling elke avond is vaak één voertuig met een lekkende lader.</translation>
    </message>
    <message>
        <location filename="../outages/step_words.py" line="49" />
        <source>Send a technician to replace the socket's lock actuator.</source>
        <translation>Stuur een monteur om de vergrendeling van het laadpunt te vervangen.</translation>
    </message>
    <message>
        <location filename="../outages/step_words.py" line="51" />
        <source>Send a technician to check the socket's overcurrent protection and the load balancing settings (eis 31).</source>
        <translation>Stuur een monteur om de overstroombeveiliging van het laadpunt en de instellingen van de load balancing te controleren (eis 31).</translation>
    </message>
    <message>
        <location filename="../outages/step_words.py" line="55" />
        <source>Send a technician to replace the MID meter (eis 56).</source>
        <translation>Stuur een monteur om de MID-meter te vervangen (eis 56).</translation>
    </message>
</context>
<context>
    <name>OutagesView</name>
    <message>
        <location filename="../outages/view.py" line="68" />
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <location filename="../outages/view.py" line="75" />
        <source>Pole</source>
        <translation>Laadpaal</translation>
    </message>
    <message>
        <location filename="../outages/view.py" line="75" />
        <source>Location</source>
        <translation>Locatie</translation>
    </message>
    <message>
        <location filename="../outages/view.py" line="75" />
        <source>Since</source>
        <translation>Sinds</translation>
    </message>
    <message>
        <location filename="../outages/view.py" line="75" />
        <source>Sockets</source>
        <translation>Laadpunten</translation>
    </message>
    <message>
        <location filename="../outages/view.py" line="76" />
        <source>Uptime this year (eis 48)</source>
        <translation>Beschikbaarheid dit jaar (eis 48)</translation>
    </message>
    <message>
        <location filename="../outages/view.py" line="76" />
        <source>Next step</source>
        <translation>Volgende stap</translation>
    </message>
    <message>
        <location filename="../outages/view.py" line="85" />
        <source>Select a pole to read its evidence.</source>
        <translation>Kies een laadpaal om het bewijs te lezen.</translation>
    </message>
    <message>
        <location filename="../outages/view.py" line="89" />
        <source>Area</source>
        <translation>Gebied</translation>
    </message>
    <message>
        <location filename="../outages/view.py" line="132" />
        <source>Reading the outage board</source>
        <translation>Storingsbord lezen</translation>
    </message>
    <message>
        <location filename="../outages/view.py" line="169" />
        <source>All areas</source>
        <translation>Alle gebieden</translation>
    </message>
</context>
<context>
    <name>PeriodsTableModel</name>
    <message>
        <location filename="../profiles/periods_table.py" line="70" />
        <source>Starts at (hh:mm)</source>
        <translation>Begint om (uu:mm)</translation>
    </message>
    <message>
        <location filename="../profiles/periods_table.py" line="70" />
        <source>Limit (A per phase)</source>
        <translation>Limiet (A per fase)</translation>
    </message>
    <message>
        <location filename="../profiles/periods_table.py" line="71" />
        <source>Phases</source>
        <translation>Fasen</translation>
    </message>
    <message>
        <location filename="../profiles/periods_table.py" line="90" />
        <source>all</source>
        <translation>alle</translation>
    </message>
</context>
<context>
    <name>PoleAccess</name>
    <message>
        <location filename="../pole_access.py" line="20" />
        <source>Read only: this laptop has no service token for %1. While online, use Connect › Prepare a site visit… to fetch one.</source>
        <translation>Alleen lezen: deze laptop heeft geen servicetoken voor %1. Haal er een op via Verbinden › Locatiebezoek voorbereiden… zolang u online bent.</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="23" />
        <source>Read only: the service token for %1 is damaged. Fetch a new one while online.</source>
        <translation>Alleen lezen: het servicetoken voor %1 is beschadigd. Haal online een nieuw op.</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="26" />
        <source>Read only: %1 does not trust the service that issued this token. Fetch a token from the pole's own service while online.</source>
        <translation>Alleen lezen: %1 vertrouwt de service niet die dit token uitgaf. Haal online een token op bij de eigen service van de paal.</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="29" />
        <source>Read only: the service token for %1 has expired (or the pole's clock is wrong). Fetch a new one while online.</source>
        <translation>Alleen lezen: het servicetoken voor %1 is verlopen (of de klok van de paal loopt verkeerd). Haal online een nieuw op.</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="32" />
        <source>Read only: the service token is not for %1. Fetch one for this pole while online.</source>
        <translation>Alleen lezen: het servicetoken is niet voor %1. Haal online een token voor deze paal op.</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="35" />
        <source>Read only: the helpdesk withdrew the service token for %1. Ask them for a new one.</source>
        <translation>Alleen lezen: de helpdesk heeft het servicetoken voor %1 ingetrokken. Vraag om een nieuw.</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="38" />
        <source>Replay of %1's message log: nothing is sent to the real pole, so every command is switched off.</source>
        <translation>Afspeelweergave van het berichtenlogboek van %1: er gaat niets naar de echte laadpaal, dus alle opdrachten staan uit.</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="41" />
        <source>Read only: %1 refused too many wrong tokens and accepts none for 5 minutes. Wait, then connect again.</source>
        <translation>Alleen lezen: %1 weigerde te veel verkeerde tokens en accepteert 5 minuten geen enkel token. Wacht en verbind daarna opnieuw.</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="45" />
        <source>Read only: %1 refused the service token (%2).</source>
        <translation>Alleen lezen: %1 weigerde het servicetoken (%2).</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="46" />
        <source>Writing allowed as %1 — token valid for %2</source>
        <translation>Schrijven toegestaan als %1 — token nog %2 geldig</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="47" />
        <source>Writing allowed with the commissioning PIN (the pole has no token keys yet)</source>
        <translation>Schrijven toegestaan met de inbedrijfstellingspincode (de paal heeft nog geen tokensleutels)</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="49" />
        <source>Writing allowed through the service</source>
        <translation>Schrijven toegestaan via de service</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="51" />
        <source>technician</source>
        <translation>monteur</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="52" />
        <source>engineer</source>
        <translation>engineer</translation>
    </message>
    <message>
        <location filename="../pole_access.py" line="53" />
        <source>administrator</source>
        <translation>beheerder</translation>
    </message>
</context>
<context>
    <name>PoleController</name>
    <message>
        <location filename="../pole_controller.py" line="92" />
        <location filename="../pole_controller.py" line="117" />
        <source>connecting to %1…</source>
        <translation>verbinden met %1…</translation>
    </message>
    <message>
        <location filename="../pole_controller.py" line="122" />
        <source>the link ended</source>
        <translation>de verbinding is beëindigd</translation>
    </message>
    <message>
        <location filename="../pole_controller.py" line="130" />
        <source>%1 Check the cable or the address and connect again.</source>
        <translation>%1 Controleer de kabel of het adres en verbind opnieuw.</translation>
    </message>
    <message>
        <location filename="../pole_controller.py" line="135" />
        <source>%1 is offline at the service: waiting for it to come back</source>
        <translation>%1 is offline bij de service: wachten tot hij terugkomt</translation>
    </message>
    <message>
        <location filename="../pole_controller.py" line="139" />
        <source>%1 — retrying in %2 s</source>
        <translation>%1 — opnieuw over %2 s</translation>
    </message>
    <message>
        <location filename="../pole_controller.py" line="151" />
        <source>a replay of its message log</source>
        <translation>het afspelen van zijn berichtenlogboek</translation>
    </message>
    <message>
        <location filename="../pole_controller.py" line="153" />
        <source>%1 via %2</source>
        <translation>%1 via %2</translation>
    </message>
    <message>
        <location filename="../pole_controller.py" line="266" />
        <source>not connected to a pole</source>
        <translation>niet met een paal verbonden</translation>
    </message>
</context>
<context>
    <name>PoleRegisterPanel</name>
    <message>
        <location filename="../fleet/register_panel.py" line="42" />
        <source>Connect to a service to register or decommission poles.</source>
        <translation>Verbind met een service om palen te registreren of uit bedrijf te nemen.</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="44" />
        <source>pole id, e.g. PW-0001</source>
        <translation>paal-ID, bijv. PW-0001</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="46" />
        <source>0 — no credentials (not advised)</source>
        <translation>0 — geen inloggegevens (afgeraden)</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="47" />
        <source>1 — password (HTTP Basic)</source>
        <translation>1 — wachtwoord (HTTP Basic)</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="48" />
        <source>2 — TLS and password</source>
        <translation>2 — TLS en wachtwoord</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="49" />
        <source>3 — TLS with the pole's certificate</source>
        <translation>3 — TLS met het certificaat van de paal</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="54" />
        <source>16 to 40 characters (profiles 1 and 2)</source>
        <translation>16 tot 40 tekens (profielen 1 en 2)</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="55" />
        <source>Register pole</source>
        <translation>Paal registreren</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="57" />
        <source>Decommission pole…</source>
        <translation>Paal uit bedrijf nemen…</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="62" />
        <source>Pole</source>
        <translation>Paal</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="63" />
        <source>Security profile</source>
        <translation>Beveiligingsprofiel</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="64" />
        <source>Password</source>
        <translation>Wachtwoord</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="106" />
        <source>{0} is registered at security profile {1}.</source>
        <translation>{0} is geregistreerd met beveiligingsprofiel {1}.</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="109" />
        <source>Not registered</source>
        <translation>Niet geregistreerd</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="116" />
        <source>Decommission {0}? It can no longer connect; its history stays.</source>
        <translation>{0} uit bedrijf nemen? De paal kan dan geen verbinding meer maken; de geschiedenis blijft bewaard.</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="122" />
        <source>{0} is decommissioned.</source>
        <translation>{0} is uit bedrijf genomen.</translation>
    </message>
    <message>
        <location filename="../fleet/register_panel.py" line="124" />
        <source>Not decommissioned</source>
        <translation>Niet uit bedrijf genomen</translation>
    </message>
</context>
<context>
    <name>PoleView</name>
    <message>
        <location filename="../views/pole_view.py" line="139" />
        <source>No pole connected</source>
        <translation>Geen paal verbonden</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="168" />
        <source>Live currents</source>
        <translation>Actuele stromen</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="169" />
        <source>Schedule (24 h)</source>
        <translation>Schema (24 uur)</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="170" />
        <source>Message log</source>
        <translation>Berichtenlog</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="177" />
        <source>Security</source>
        <translation>Beveiliging</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="207" />
        <source>Restarting the pole — waiting for it</source>
        <translation>De paal herstart — even wachten</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="232" />
        <source>not connected</source>
        <translation>niet verbonden</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="240" />
        <source>LightIntensity (eis 46)</source>
        <translation>LightIntensity (eis 46)</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="242" />
        <source>pole reports: —</source>
        <translation>paal meldt: —</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="247" />
        <source>LED intensity</source>
        <translation>Led-helderheid</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="256" />
        <source>socket </source>
        <translation>laadpunt </translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="259" />
        <source>Card id (idTag) used for the remote start</source>
        <translation>Pasnummer (idTag) voor het starten op afstand</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="260" />
        <source>Start charging</source>
        <translation>Laden starten</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="261" />
        <location filename="../views/pole_view.py" line="582" />
        <source>Stop charging</source>
        <translation>Laden stoppen</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="262" />
        <source>Unlock</source>
        <translation>Ontgrendelen</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="263" />
        <location filename="../views/pole_view.py" line="718" />
        <location filename="../views/pole_view.py" line="724" />
        <source>Soft reset</source>
        <translation>Zachte herstart</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="264" />
        <source>Report status</source>
        <translation>Status melden</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="266" />
        <source>TriggerMessage StatusNotification: the socket tells the back office its state now, e.g. after a repair</source>
        <translation>TriggerMessage StatusNotification: het laadpunt meldt zijn status nu aan de backoffice, bijvoorbeeld na een reparatie</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="270" />
        <source>Out of service</source>
        <translation>Buiten gebruik</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="272" />
        <source>ChangeAvailability Inoperative: the socket accepts no new charging session</source>
        <translation>ChangeAvailability Inoperative: het laadpunt neemt geen nieuwe laadsessie aan</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="273" />
        <source>Back in service</source>
        <translation>Weer in gebruik</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="274" />
        <source>ChangeAvailability Operative</source>
        <translation>ChangeAvailability Operative</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="275" />
        <source>Clear fault…</source>
        <translation>Storing opheffen…</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="277" />
        <source>Restart the socket once the cause is fixed; it reports its state afresh</source>
        <translation>Herstart het laadpunt zodra de oorzaak is verholpen; het meldt zijn toestand opnieuw</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="285" />
        <source>Commission…</source>
        <translation>In bedrijf stellen…</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="287" />
        <location filename="../views/pole_view.py" line="686" />
        <source>Run the commissioning checklist on this pole and sign its report</source>
        <translation>Doorloop de inbedrijfstellingschecklist op deze paal en onderteken het rapport</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="361" />
        <source>Only through the service: the pole uploads its log to the back office</source>
        <translation>Alleen via de service: de laadpaal uploadt zijn log naar de backoffice</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="364" />
        <source>GetLog: the pole uploads its security log to the service; you choose where to save it</source>
        <translation>GetLog: de laadpaal uploadt zijn beveiligingslog naar de service; u kiest waar het wordt opgeslagen</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="368" />
        <source>Save the pole's security log</source>
        <translation>Beveiligingslog van de laadpaal opslaan</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="383" />
        <source>Asking %1 for its security log; it uploads it to the service…</source>
        <translation>%1 wordt om zijn beveiligingslog gevraagd; de laadpaal uploadt het naar de service…</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="395" />
        <source>Fetching the security log of %1</source>
        <translation>Beveiligingslog van %1 ophalen</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="402" />
        <source>No log: %1</source>
        <translation>Geen log: %1</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="406" />
        <source>Security log saved (%1 bytes): %2</source>
        <translation>Beveiligingslog opgeslagen (%1 bytes): %2</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="450" />
        <source>Pole limit: %1 A per phase</source>
        <translation>Limiet paal: %1 A per fase</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="465" />
        <source>pole reports: %1 %</source>
        <translation>paal meldt: %1 %</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="541" />
        <source>Reading what the service knows of %1</source>
        <translation>Lezen wat de service van %1 weet</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="560" />
        <source>Reading the pole's schedule</source>
        <translation>Schema van de paal lezen</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="573" />
        <source>Start charging on socket %1 with card %2?</source>
        <translation>Laden starten op laadpunt %1 met pas %2?</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="583" />
        <source>Nothing to stop: socket %1 has no charging session running. Choose the socket that is charging.</source>
        <translation>Niets te stoppen: op laadpunt %1 loopt geen laadsessie. Kies het laadpunt dat laadt.</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="602" />
        <source>Put socket %1 back in service?</source>
        <translation>Laadpunt %1 weer in gebruik nemen?</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="603" />
        <source>Take socket %1 out of service? Drivers cannot start charging there until it is back in service.</source>
        <translation>Laadpunt %1 buiten gebruik stellen? Rijders kunnen daar pas weer laden als het weer in gebruik is.</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="611" />
        <source>Restart socket %1 to clear its fault? Do this only after the cause is fixed (for an earth-fault trip: the aardlekschakelaar is reset). If the cause is still there, the socket reports the fault again.</source>
        <translation>Laadpunt %1 herstarten om de storing op te heffen? Doe dit pas als de oorzaak is verholpen (bij een aardlekfout: de aardlekschakelaar is teruggezet). Is de oorzaak er nog, dan meldt het laadpunt de storing opnieuw.</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="623" />
        <location filename="../views/pole_view.py" line="657" />
        <source>Reading %1's message log for the replay</source>
        <translation>Berichtenlogboek van %1 lezen om af te spelen</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="641" />
        <source>Not during a replay</source>
        <translation>Niet tijdens het afspelen</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="643" />
        <source>replay of %1</source>
        <translation>afspeelweergave van %1</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="652" />
        <source>Listing the replay's messages</source>
        <translation>Berichten van de replay op een rij zetten</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="719" />
        <source>the pole is back</source>
        <translation>de paal is terug</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="725" />
        <source>the pole did not come back within 3 minutes: check its power and its link</source>
        <translation>de paal kwam niet binnen 3 minuten terug: controleer de voeding en de verbinding</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="586" />
        <source>Stop transaction %1? The driver's session ends.</source>
        <translation>Transactie %1 stoppen? De laadsessie van de bestuurder eindigt.</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="592" />
        <source>Unlock socket %1? A running session stops.</source>
        <translation>Laadpunt %1 ontgrendelen? Een lopende sessie stopt.</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="597" />
        <source>Soft-reset the pole? Running sessions stop.</source>
        <translation>De paal zacht herstarten? Lopende laadsessies stoppen.</translation>
    </message>
</context>
<context>
    <name>PreviewPlot</name>
    <message>
        <location filename="../profiles/preview_plot.py" line="81" />
        <source>A per phase</source>
        <translation>A per fase</translation>
    </message>
    <message>
        <location filename="../profiles/preview_plot.py" line="82" />
        <source>local time (Europe/Amsterdam)</source>
        <translation>Nederlandse tijd</translation>
    </message>
    <message>
        <location filename="../profiles/preview_plot.py" line="91" />
        <source>Profile as previewed</source>
        <translation>Profiel zoals getoond</translation>
    </message>
    <message>
        <location filename="../profiles/preview_plot.py" line="93" />
        <location filename="../profiles/preview_plot.py" line="155" />
        <source>Pole's own schedule</source>
        <translation>Eigen schema van de paal</translation>
    </message>
    <message>
        <location filename="../profiles/preview_plot.py" line="126" />
        <source>overrule %1</source>
        <translation>overrule %1</translation>
    </message>
    <message>
        <location filename="../profiles/preview_plot.py" line="172" />
        <source>Peak %1–%2</source>
        <translation>Piek %1–%2</translation>
    </message>
</context>
<context>
    <name>ProfileView</name>
    <message>
        <location filename="../profiles/profile_view.py" line="148" />
        <source>Pole %1</source>
        <translation>Paal %1</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="150" />
        <source>No pole connected</source>
        <translation>Geen paal verbonden</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="151" />
        <source>Pole connected</source>
        <translation>Paal verbonden</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="153" />
        <source>Reading the pole's limits</source>
        <translation>Limieten van de paal lezen</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="193" />
        <source>the pole</source>
        <translation>de laadpaal</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="194" />
        <source>Deploy the capacity profile?</source>
        <translation>Capaciteitsprofiel naar de laadpaal sturen?</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="195" />
        <source>Send this profile to %1 now?

%2

The pole limits charging by it from now on.</source>
        <translation>Dit profiel nu naar %1 sturen?

%2

De laadpaal begrenst het laden vanaf nu volgens dit profiel.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="197" />
        <source>Not deployed: nothing was sent to the pole.</source>
        <translation>Niet verstuurd: er is niets naar de laadpaal gestuurd.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="204" />
        <source>Deploying the profile</source>
        <translation>Profiel versturen</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="226" />
        <source>Verifying the profile</source>
        <translation>Profiel controleren</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="243" />
        <source>Capacity profile</source>
        <translation>Capaciteitsprofiel</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="248" />
        <source>Tender template</source>
        <translation>Aanbestedingssjabloon</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="249" />
        <source>Custom profile</source>
        <translation>Eigen profiel</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="304" />
        <source>hh:mm, e.g. 17:00</source>
        <translation>uu:mm, bijv. 17:00</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="305" />
        <source>Europe/Amsterdam time; type 17:00, 1700 or 17</source>
        <translation>Nederlandse tijd; typ 17:00, 1700 of 17</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="313" />
        <source>%1 A (limit %2 A per phase)</source>
        <translation>%1 A (limiet %2 A per fase)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="316" />
        <location filename="../profiles/profile_view.py" line="490" />
        <source>Peak starts</source>
        <translation>Piek begint</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="317" />
        <location filename="../profiles/profile_view.py" line="491" />
        <source>Peak ends</source>
        <translation>Piek eindigt</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="318" />
        <source>Peak limit</source>
        <translation>Pieklimiet</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="319" />
        <source>Overrule limit</source>
        <translation>Overrule-limiet</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="320" />
        <source>Normal limit</source>
        <translation>Normale limiet</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="321" />
        <source>Connection</source>
        <translation>Netaansluiting</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="340" />
        <source> A per phase</source>
        <translation> A per fase</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="350" />
        <source>ChargePointMaxProfile (whole pole)</source>
        <translation>ChargePointMaxProfile (hele paal)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="352" />
        <source>TxDefaultProfile (per socket)</source>
        <translation>TxDefaultProfile (per laadpunt)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="358" />
        <source>0 (whole pole)</source>
        <translation>0 (hele paal)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="360" />
        <source>Recurring daily</source>
        <translation>Dagelijks terugkerend</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="361" />
        <source>Absolute (this day only)</source>
        <translation>Absoluut (alleen deze dag)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="368" />
        <source>Purpose</source>
        <translation>Doel</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="369" />
        <source>Stack level</source>
        <translation>Stapelniveau</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="370" />
        <source>Connector</source>
        <translation>Connector (laadpunt)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="371" />
        <source>Kind</source>
        <translation>Soort</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="372" />
        <source>Profile id</source>
        <translation>Profiel-id</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="384" />
        <source>Add period (Ctrl+N)</source>
        <translation>Periode toevoegen (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="386" />
        <source>Remove (Del)</source>
        <translation>Verwijderen (Del)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="388" />
        <source>Copy template</source>
        <translation>Sjabloon kopiëren</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="389" />
        <source>Replace the periods with the tender template's</source>
        <translation>Vervang de perioden door die van het aanbestedingssjabloon</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="414" />
        <source>Details…</source>
        <translation>Details…</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="419" />
        <source>Dismiss</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="433" />
        <source>Deploy to pole (Ctrl+D)</source>
        <translation>Naar paal sturen (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="436" />
        <source>Verify (Ctrl+R)</source>
        <translation>Controleren (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="438" />
        <source>Compare the pole's own schedule with the last deployed profile</source>
        <translation>Vergelijk het eigen schema van de paal met het laatst verstuurde profiel</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="446" />
        <source>Cancel (Esc)</source>
        <translation>Annuleren (Esc)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="548" />
        <source>%1 periods · recurring profiles repeat every 24 h from 00:00 on %2</source>
        <translation>%1 perioden · terugkerende profielen herhalen elke 24 uur vanaf 00:00 op %2</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="554" />
        <source>The profile was changed after the last check: deploy or verify again.</source>
        <translation>Het profiel is gewijzigd na de laatste controle: verstuur of controleer opnieuw.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="565" />
        <source>Recurring daily ChargePointMaxProfile on connector 0, built for %1.</source>
        <translation>Dagelijks terugkerend ChargePointMaxProfile op connector 0, gemaakt voor %1.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="568" />
        <source>Deploy also sets %1 on the pole.</source>
        <translation>Uitrollen zet ook %1 op de laadpaal.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="571" />
        <source>The pole already has %1.</source>
        <translation>De laadpaal heeft al %1.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="574" />
        <source>Fix the highlighted input to see the day.</source>
        <translation>Verbeter de gemarkeerde invoer om de dag te zien.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="599" />
        <source>Connect to a pole first (Connect screen)</source>
        <translation>Verbind eerst met een paal (scherm Verbinden)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="610" />
        <source>The template changes %1: that is the pole's configuration, which an engineer changes. With the pole's own values the profile is yours to deploy.</source>
        <translation>Het sjabloon wijzigt %1: dat is de configuratie van de laadpaal, die een engineer wijzigt. Met de eigen waarden van de laadpaal mag u het profiel zelf uitrollen.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="613" />
        <source>%1 from %2 to %3 A</source>
        <translation>%1 van %2 naar %3 A</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="616" />
        <source>Not connected: connect to a pole to deploy.</source>
        <translation>Niet verbonden: verbind met een paal om te versturen.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="620" />
        <source>Ready to deploy to the connected pole.</source>
        <translation>Klaar om naar de verbonden paal te sturen.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="645" />
        <source>Cancelled. The pole may already have the new profile: press Verify to check.</source>
        <translation>Geannuleerd. De paal kan het nieuwe profiel al hebben: druk op Controleren om het na te gaan.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="659" />
        <source>✔ Deployed and verified: the pole's schedule matches.</source>
        <translation>✔ Verstuurd en gecontroleerd: het schema van de paal klopt.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="660" />
        <source>✔ Verified: the pole's schedule matches.</source>
        <translation>✔ Gecontroleerd: het schema van de paal klopt.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="663" />
        <source>Done.</source>
        <translation>Klaar.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="665" />
        <source>✘ Deployed, but the pole's schedule differs:</source>
        <translation>✘ Verstuurd, maar het schema van de paal wijkt af:</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="666" />
        <source>✘ The pole's schedule differs from the profile:</source>
        <translation>✘ Het schema van de paal wijkt af van het profiel:</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="668" />
        <source>%1: pole %2, expected %3</source>
        <translation>%1: paal %2, verwacht %3</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="674" />
        <source>Check the differences (dashed line on the plot).</source>
        <translation>Bekijk de verschillen (stippellijn in de grafiek).</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="684" />
        <source>Checked the next 24 h from now (%1, Europe/Amsterdam time).</source>
        <translation>De komende 24 uur vanaf nu gecontroleerd (%1, Nederlandse tijd).</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="689" />
        <source>Checked until %1 (Europe/Amsterdam time): the clocks change that night. A daily profile repeats every 24 h and cannot follow the change, so the back office re-deploys it at %1, before the change; what the pole does after that is checked then.</source>
        <translation>Gecontroleerd tot %1 (Nederlandse tijd): die nacht gaat de klok om. Een dagelijks profiel herhaalt zich elke 24 uur en kan de omschakeling niet volgen; daarom zet de backoffice het om %1 opnieuw op de laadpaal, vóór de omschakeling. Wat de laadpaal daarna doet, wordt dan gecontroleerd.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="698" />
        <source>⚠ The pole's clock is %1 (it says %2): its schedule and its meter readings run on that clock. The back office sets it when the pole connects.</source>
        <translation>⚠ De klok van de laadpaal loopt %1 (hij zegt %2): het profiel en de meterstanden volgen die klok. De backoffice zet de klok gelijk zodra de laadpaal verbinding maakt.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="705" />
        <source>day</source>
        <translation>dag</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="705" />
        <source>days</source>
        <translation>dagen</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="705" />
        <source>h</source>
        <translation>u</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="706" />
        <source>min</source>
        <translation>min</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="706" />
        <source>s</source>
        <translation>s</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="707" />
        <source>%1 behind</source>
        <translation>%1 achter</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="707" />
        <source>%1 ahead</source>
        <translation>%1 voor</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="714" />
        <source>Not deployed yet. Deploy sends the profile, then reads the pole's own schedule back to check it.</source>
        <translation>Nog niet verstuurd. Versturen stuurt het profiel en leest daarna het eigen schema van de paal terug ter controle.</translation>
    </message>
</context>
<context>
    <name>ReplayBar</name>
    <message>
        <location filename="../replay/replay_bar.py" line="63" />
        <location filename="../replay/replay_bar.py" line="215" />
        <source>Play</source>
        <translation>Afspelen</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="65" />
        <source>Step</source>
        <translation>Stap</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="66" />
        <source>Apply the next message and pause there</source>
        <translation>Het volgende bericht toepassen en daar pauzeren</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="71" />
        <source>Replay speed: 1× is what the driver lived</source>
        <translation>Afspeelsnelheid: 1× is wat de bestuurder meemaakte</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="74" />
        <source>Jump to a message: the pole as it was right after it</source>
        <translation>Naar een bericht springen: de laadpaal zoals hij er direct daarna bij stond</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="80" />
        <source>End replay</source>
        <translation>Afspelen beëindigen</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="85" />
        <source>Speed</source>
        <translation>Snelheid</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="87" />
        <source>Jump to</source>
        <translation>Ga naar</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="146" />
        <source>the service did not answer in time</source>
        <translation>de service antwoordde niet op tijd</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="148" />
        <source>the service no longer accepts this app's API token</source>
        <translation>de service accepteert het API-token van deze app niet meer</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="150" />
        <source>the service answered with error %1 (is its database reachable?)</source>
        <translation>de service antwoordde met fout %1 (is de database bereikbaar?)</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="153" />
        <source>the service cannot be reached (stopped or restarting?)</source>
        <translation>de service is niet bereikbaar (gestopt of aan het herstarten?)</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="154" />
        <source>Could not read more of the message log: %1. Retrying in %2 s…</source>
        <translation>Kon niet verder lezen in het berichtenlogboek: %1. Nieuwe poging over %2 s…</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="198" />
        <source>reading further messages…</source>
        <translation>verdere berichten worden gelezen…</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="199" />
        <source>playing at %1×</source>
        <translation>speelt af op %1×</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="201" />
        <source>at the end of the window</source>
        <translation>aan het eind van het tijdvak</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="202" />
        <source>paused</source>
        <translation>gepauzeerd</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="205" />
        <source>REPLAY of %1's message log · %2 – %3 · replay clock %4 (%5) · nothing is sent to the pole</source>
        <translation>AFSPELEN van het berichtenlogboek van %1 · %2 – %3 · afspeelklok %4 (%5) · er gaat niets naar de laadpaal</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="220" />
        <source>Message %1 of %2 read so far</source>
        <translation>Bericht %1 van %2 tot nu toe gelezen</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="215" />
        <source>Pause</source>
        <translation>Pauze</translation>
    </message>
    <message>
        <location filename="../replay/replay_bar.py" line="218" />
        <source>Message %1 of %2</source>
        <translation>Bericht %1 van %2</translation>
    </message>
</context>
<context>
    <name>ReplayWindowDialog</name>
    <message>
        <location filename="../replay/window_dialog.py" line="36" />
        <source>Replay %1's message log</source>
        <translation>Berichtenlogboek van %1 afspelen</translation>
    </message>
    <message>
        <location filename="../replay/window_dialog.py" line="46" />
        <source>Times on the pole's clock (%1)</source>
        <translation>Tijden volgens de klok van de laadpaal (%1)</translation>
    </message>
    <message>
        <location filename="../replay/window_dialog.py" line="47" />
        <source>From</source>
        <translation>Van</translation>
    </message>
    <message>
        <location filename="../replay/window_dialog.py" line="48" />
        <source>Until</source>
        <translation>Tot</translation>
    </message>
    <message>
        <location filename="../replay/window_dialog.py" line="72" />
        <source>The window must end after it starts.</source>
        <translation>Het tijdvak moet eindigen na het begin.</translation>
    </message>
</context>
<context>
    <name>ReportCharts</name>
    <message>
        <location filename="../reports/charts.py" line="51" />
        <source>Uptime (eis 48)</source>
        <translation>Beschikbaarheid (eis 48)</translation>
    </message>
    <message>
        <location filename="../reports/charts.py" line="53" />
        <source>Overruled in the peak (eis 25)</source>
        <translation>Overruled in de piek (eis 25)</translation>
    </message>
</context>
<context>
    <name>ReportsList</name>
    <message>
        <location filename="../commissioning/reports_list.py" line="102" />
        <source>Finished</source>
        <translation>Afgerond</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="102" />
        <source>Result</source>
        <translation>Resultaat</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="102" />
        <source>Technician</source>
        <translation>Monteur</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="103" />
        <source>Checklist</source>
        <translation>Checklist</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="103" />
        <source>Run</source>
        <translation>Doorloop</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="111" />
        <source>Open PDF</source>
        <translation>Pdf openen</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="115" />
        <source>Sync now</source>
        <translation>Nu synchroniseren</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="119" />
        <source>Register my key with the service</source>
        <translation>Mijn sleutel bij de service registreren</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="151" />
        <source>Your signing key (%1): %2</source>
        <translation>Uw ondertekeningssleutel (%1): %2</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="181" />
        <source>Reading the commissioning reports</source>
        <translation>Inbedrijfstellingsrapporten lezen</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="195" />
        <source>Opening the report of run %1</source>
        <translation>Rapport van doorloop %1 openen</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="216" />
        <source>Registering the key of %1</source>
        <translation>Sleutel van %1 registreren</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="222" />
        <source>The service knows the key of %1 (fingerprint %2)</source>
        <translation>De service kent de sleutel van %1 (vingerafdruk %2)</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="238" />
        <source>Uploading the reports</source>
        <translation>Rapporten versturen</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="245" />
        <source>%1 report(s) uploaded, %2 not</source>
        <translation>%1 rapport(en) verstuurd, %2 niet</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="255" />
        <source>Commissioning reports of %1</source>
        <translation>Inbedrijfstellingsrapporten van %1</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="256" />
        <source>Choose a pole</source>
        <translation>Kies een paal</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="259" />
        <source>passed</source>
        <translation>geslaagd</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="259" />
        <source>FAILED</source>
        <translation>MISLUKT</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="274" />
        <source>Every report is uploaded.</source>
        <translation>Alle rapporten zijn verstuurd.</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="276" />
        <source>%1 report(s) waiting to sync</source>
        <translation>%1 rapport(en) wachten op synchronisatie</translation>
    </message>
    <message>
        <location filename="../commissioning/reports_list.py" line="279" />
        <source>refused: %1</source>
        <translation>geweigerd: %1</translation>
    </message>
</context>
<context>
    <name>ReportsTable</name>
    <message>
        <location filename="../reports/table.py" line="26" />
        <source>Pole</source>
        <translation>Laadpaal</translation>
    </message>
    <message>
        <location filename="../reports/table.py" line="27" />
        <source>Uptime</source>
        <translation>Beschikbaarheid</translation>
    </message>
    <message>
        <location filename="../reports/table.py" line="28" />
        <source>eis 48</source>
        <translation>eis 48</translation>
    </message>
    <message>
        <location filename="../reports/table.py" line="29" />
        <source>Subperiod</source>
        <translation>Deelperiode</translation>
    </message>
    <message>
        <location filename="../reports/table.py" line="30" />
        <source>Peak tx</source>
        <translation>Piektransacties</translation>
    </message>
    <message>
        <location filename="../reports/table.py" line="31" />
        <source>Overruled</source>
        <translation>Overruled</translation>
    </message>
    <message>
        <location filename="../reports/table.py" line="32" />
        <source>Limit</source>
        <translation>Grens</translation>
    </message>
    <message>
        <location filename="../reports/table.py" line="33" />
        <source>eis 25</source>
        <translation>eis 25</translation>
    </message>
    <message>
        <location filename="../reports/table.py" line="35" />
        <source>met</source>
        <translation>gehaald</translation>
    </message>
    <message>
        <location filename="../reports/table.py" line="36" />
        <source>NOT MET</source>
        <translation>NIET GEHAALD</translation>
    </message>
    <message>
        <location filename="../reports/table.py" line="38" />
        <source>baseline</source>
        <translation>nulmeting</translation>
    </message>
    <message>
        <location filename="../reports/table.py" line="39" />
        <source>subperiod 2</source>
        <translation>deelperiode 2</translation>
    </message>
    <message>
        <location filename="../reports/table.py" line="40" />
        <source>subperiod 3</source>
        <translation>deelperiode 3</translation>
    </message>
</context>
<context>
    <name>ReportsView</name>
    <message>
        <location filename="../reports/view.py" line="87" />
        <source>Show</source>
        <translation>Tonen</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="90" />
        <source>Export fleet</source>
        <translation>Vloot exporteren</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="92" />
        <source>PDF (all poles)…</source>
        <translation>PDF (alle palen)…</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="93" />
        <location filename="../reports/view.py" line="101" />
        <source>CSV of compliance (eis 25/30)…</source>
        <translation>CSV van de naleving (eis 25/30)…</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="95" />
        <location filename="../reports/view.py" line="103" />
        <source>CSV of uptime (eis 48)…</source>
        <translation>CSV van de beschikbaarheid (eis 48)…</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="98" />
        <source>Export pole</source>
        <translation>Paal exporteren</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="100" />
        <source>PDF…</source>
        <translation>PDF…</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="110" />
        <location filename="../reports/view.py" line="184" />
        <source>Connect to a service to read the tender reports.</source>
        <translation>Verbind met een service om de rapportages van de aanbesteding te lezen.</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="126" />
        <location filename="../reports/view.py" line="358" />
        <source>Click a pole for its subperiods and uptime.</source>
        <translation>Klik op een paal voor zijn deelperiodes en beschikbaarheid.</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="130" />
        <source>Subperiod</source>
        <translation>Deelperiode</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="130" />
        <source>From – until</source>
        <translation>Van – tot</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="130" />
        <source>Peak tx</source>
        <translation>Piektransacties</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="131" />
        <source>Overruled</source>
        <translation>Overruled</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="131" />
        <source>Overruled %</source>
        <translation>Overruled %</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="131" />
        <source>Limit</source>
        <translation>Grens</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="131" />
        <source>Result</source>
        <translation>Resultaat</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="144" />
        <source>Year</source>
        <translation>Jaar</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="218" />
        <source>Reading the tender reports</source>
        <translation>De rapportages van de aanbesteding lezen</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="219" />
        <source>Reading the reports of %1…</source>
        <translation>De rapportages van %1 lezen…</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="232" />
        <source>%1: %2 of %3 poles miss a target; most at risk first.</source>
        <translation>%1: %2 van %3 palen halen een doel niet; de palen met het meeste risico bovenaan.</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="245" />
        <source>Reading the reports of %1</source>
        <translation>De rapportages van %1 lezen</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="270" />
        <source>Show a year's reports first, then export them.</source>
        <translation>Toon eerst de rapportages van een jaar en exporteer ze dan.</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="273" />
        <location filename="../reports/view.py" line="297" />
        <source>PDF files (*.pdf)</source>
        <translation>PDF-bestanden (*.pdf)</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="280" />
        <source>Writing the fleet report…</source>
        <translation>Het vlootrapport schrijven…</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="293" />
        <source>Click a pole first, then export its report.</source>
        <translation>Klik eerst op een paal en exporteer dan zijn rapport.</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="310" />
        <source>CSV files (*.csv)</source>
        <translation>CSV-bestanden (*.csv)</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="313" />
        <source>Exporting %1</source>
        <translation>%1 exporteren</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="331" />
        <source>Saved %1</source>
        <translation>%1 opgeslagen</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="339" />
        <source>%1 (until %2)</source>
        <translation>%1 (tot %2)</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="342" />
        <source>Export</source>
        <translation>Exporteren</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="363" />
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="368" />
        <source>(running)</source>
        <translation>(loopt nog)</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="386" />
        <source>none</source>
        <translation>geen</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="388" />
        <source>%1: low-current vehicles (eis 30) left out: %2; overruled by: %3</source>
        <translation>%1: voertuigen met laag laadvermogen (eis 30) niet meegeteld: %2; overruled door: %3</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="393" />
        <source>No compliance report: %1</source>
        <translation>Geen nalevingsrapport: %1</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="396" />
        <source>No low-current vehicles (eis 30) in the peak.</source>
        <translation>Geen voertuigen met laag laadvermogen (eis 30) in de piek.</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="399" />
        <source>No uptime: not registered in this period.</source>
        <translation>Geen beschikbaarheid: niet geregistreerd in deze periode.</translation>
    </message>
    <message>
        <location filename="../reports/view.py" line="403" />
        <source>Uptime (eis 48): %1 connected and available, %2 h of %3 h; target 98 %: %4</source>
        <translation>Beschikbaarheid (eis 48): %1 verbonden en beschikbaar, %2 u van %3 u; doel 98 %: %4</translation>
    </message>
</context>
<context>
    <name>RoamingView</name>
    <message>
        <location filename="../roaming/view.py" line="55" />
        <source>Roaming partners are e-mobility service providers (eMSPs) and hubs connected over OCPI 2.2.1: their drivers' cards work at our poles, and they see our locations, sessions and charge records.</source>
        <translation>Roamingpartners zijn e-mobility-dienstverleners (eMSP's) en hubs die via OCPI 2.2.1 gekoppeld zijn: de laadpassen van hun rijders werken aan onze laadpalen, en zij zien onze locaties, laadsessies en laadrecords.</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="65" />
        <source>Partner</source>
        <translation>Partner</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="65" />
        <source>Party</source>
        <translation>Partij</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="65" />
        <source>Roles</source>
        <translation>Rollen</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="65" />
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="66" />
        <source>Modules</source>
        <translation>Modules</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="66" />
        <source>Changed (local)</source>
        <translation>Gewijzigd (lokaal)</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="66" />
        <source>Last problem</source>
        <translation>Laatste probleem</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="73" />
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="75" />
        <source>Invite a partner…</source>
        <translation>Partner uitnodigen…</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="77" />
        <source>Register with a partner…</source>
        <translation>Aanmelden bij een partner…</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="79" />
        <source>Suspend</source>
        <translation>Opschorten</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="81" />
        <source>Resume</source>
        <translation>Hervatten</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="83" />
        <source>Delete</source>
        <translation>Verwijderen</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="102" />
        <source>Partners</source>
        <translation>Partners</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="103" />
        <source>Tariffs</source>
        <translation>Tarieven</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="122" />
        <source>Connect to a service to see its roaming partners.</source>
        <translation>Maak verbinding met een service om de roamingpartners te zien.</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="131" />
        <source>Reading the roaming partners</source>
        <translation>Roamingpartners ophalen</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="138" />
        <source>Inviting %1</source>
        <translation>%1 uitnodigen</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="148" />
        <source>Registered with %1.</source>
        <translation>Aangemeld bij %1.</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="151" />
        <source>Registering with %1</source>
        <translation>Aanmelden bij %1</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="162" />
        <source>Changing %1</source>
        <translation>%1 wijzigen</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="170" />
        <source>Invite a partner</source>
        <translation>Partner uitnodigen</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="171" />
        <source>The partner's name:</source>
        <translation>Naam van de partner:</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="176" />
        <source>Register with a partner</source>
        <translation>Aanmelden bij een partner</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="181" />
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="182" />
        <source>Versions URL</source>
        <translation>Versie-URL</translation>
    </message>
    <message>
        <location filename="../roaming/view.py" line="183" />
        <source>Token A it gave you</source>
        <translation>Token A dat de partner u gaf</translation>
    </message>
</context>
<context>
    <name>RolloutPanel</name>
    <message>
        <location filename="../firmware/rollout_panel.py" line="62" />
        <source>waiting</source>
        <translation>wacht</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="63" />
        <source>sending</source>
        <translation>bezig met versturen</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="64" />
        <source>sent</source>
        <translation>verstuurd</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="65" />
        <source>downloading</source>
        <translation>downloaden</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="66" />
        <source>downloaded</source>
        <translation>gedownload</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="67" />
        <source>installing</source>
        <translation>installeren</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="68" />
        <source>installed</source>
        <translation>geïnstalleerd</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="69" />
        <source>failed</source>
        <translation>mislukt</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="70" />
        <source>cancelled</source>
        <translation>geannuleerd</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="71" />
        <source>running</source>
        <translation>loopt</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="72" />
        <source>paused</source>
        <translation>gepauzeerd</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="73" />
        <source>halted</source>
        <translation>gestopt</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="74" />
        <source>finished</source>
        <translation>klaar</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="97" />
        <source>Connect to a service to roll firmware out across the fleet.</source>
        <translation>Verbind met een service om firmware over de vloot uit te rollen.</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="99" />
        <source>Upload package to the service…</source>
        <translation>Pakket naar de service uploaden…</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="106" />
        <source>at once: </source>
        <translation>tegelijk: </translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="108" />
        <source>start window, e.g. 02:00-05:00 (empty: any time outside 17:00-21:00)</source>
        <translation>startvenster, bijv. 02:00-05:00 (leeg: elk moment buiten 17:00-21:00)</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="113" />
        <source>halt after failures: </source>
        <translation>stoppen na mislukkingen: </translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="114" />
        <source>Roll out to the poles the Fleet shows</source>
        <translation>Uitrollen naar de palen die de Vloot toont</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="116" />
        <source>Pause</source>
        <translation>Pauze</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="117" />
        <source>Resume</source>
        <translation>Hervatten</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="118" />
        <source>Cancel rollout</source>
        <translation>Uitrol annuleren</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="125" />
        <source>Pole</source>
        <translation>Paal</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="125" />
        <source>State</source>
        <translation>Toestand</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="126" />
        <source>Reason</source>
        <translation>Reden</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="178" />
        <source>Upload firmware package</source>
        <translation>Firmwarepakket uploaden</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="179" />
        <source>Firmware packages (*.fwpkg *.zip);;All files (*)</source>
        <translation>Firmwarepakketten (*.fwpkg *.zip);;Alle bestanden (*)</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="191" />
        <source>Uploading the package</source>
        <translation>Pakket uploaden</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="196" />
        <source>Refused: %1</source>
        <translation>Geweigerd: %1</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="201" />
        <source>%1 accepted by the service (signed by %2)</source>
        <translation>%1 aanvaard door de service (ondertekend door %2)</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="223" />
        <source>Starting the rollout</source>
        <translation>Uitrol starten</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="236" />
        <source>Changing the rollout</source>
        <translation>Uitrol wijzigen</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="242" />
        <source>Reading the rollout</source>
        <translation>Uitrol lezen</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="247" />
        <source>Rollout</source>
        <translation>Uitrol</translation>
    </message>
    <message>
        <location filename="../firmware/rollout_panel.py" line="290" />
        <source>Rollout %1 of %2: %3 — %4</source>
        <translation>Uitrol %1 van %2: %3 — %4</translation>
    </message>
</context>
<context>
    <name>SchedulePlot</name>
    <message>
        <location filename="../views/schedule_plot.py" line="55" />
        <source>The pole's schedule appears once it is connected.</source>
        <translation>Het schema van de paal verschijnt zodra hij verbonden is.</translation>
    </message>
    <message>
        <location filename="../views/schedule_plot.py" line="59" />
        <source>Limit per phase</source>
        <translation>Limiet per fase</translation>
    </message>
    <message>
        <location filename="../views/schedule_plot.py" line="60" />
        <source>local time (%1)</source>
        <translation>lokale tijd (%1)</translation>
    </message>
    <message>
        <location filename="../views/schedule_plot.py" line="64" />
        <source>now</source>
        <translation>nu</translation>
    </message>
    <message>
        <location filename="../views/schedule_plot.py" line="74" />
        <source>The pole has no schedule to show (%1).</source>
        <translation>De paal heeft geen schema om te tonen (%1).</translation>
    </message>
    <message>
        <location filename="../views/schedule_plot.py" line="79" />
        <source>The pole reports no limit: it charges at full power.</source>
        <translation>De paal meldt geen limiet: hij laadt op vol vermogen.</translation>
    </message>
    <message>
        <location filename="../views/schedule_plot.py" line="88" />
        <source>Next 24 h as the pole computes it: %1–%2 A per phase, lowest from %3</source>
        <translation>Komende 24 uur volgens de paal: %1–%2 A per fase, laagst vanaf %3</translation>
    </message>
</context>
<context>
    <name>SecurityPanel</name>
    <message>
        <location filename="../views/security_panel.py" line="55" />
        <source>Seen, clear</source>
        <translation>Gezien, wissen</translation>
    </message>
    <message>
        <location filename="../views/security_panel.py" line="57" />
        <source>The pole no longer needs attention for these events; a new one brings it back</source>
        <translation>De paal vraagt voor deze meldingen geen aandacht meer; een nieuwe melding brengt hem terug</translation>
    </message>
    <message>
        <location filename="../views/security_panel.py" line="59" />
        <source>Fetch security log…</source>
        <translation>Beveiligingslog ophalen…</translation>
    </message>
    <message>
        <location filename="../views/security_panel.py" line="71" />
        <source>Time</source>
        <translation>Tijd</translation>
    </message>
    <message>
        <location filename="../views/security_panel.py" line="71" />
        <source>What happened</source>
        <translation>Wat er gebeurde</translation>
    </message>
    <message>
        <location filename="../views/security_panel.py" line="71" />
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../views/security_panel.py" line="79" />
        <source>No security events</source>
        <translation>Geen beveiligingsmeldingen</translation>
    </message>
    <message>
        <location filename="../views/security_panel.py" line="108" />
        <source>%1 — received by the service %2</source>
        <translation>%1 — ontvangen door de service %2</translation>
    </message>
    <message>
        <location filename="../views/security_panel.py" line="125" />
        <source>Security ⚠ %1</source>
        <translation>Beveiliging ⚠ %1</translation>
    </message>
    <message>
        <location filename="../views/security_panel.py" line="126" />
        <source>Security</source>
        <translation>Beveiliging</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <location filename="../help/shortcuts.py" line="28" />
        <source>anywhere</source>
        <translation>overal</translation>
    </message>
    <message>
        <location filename="../help/shortcuts.py" line="29" />
        <source>(not described)</source>
        <translation>(niet beschreven)</translation>
    </message>
    <message>
        <location filename="../help/shortcuts.py" line="33" />
        <source>Search the fleet</source>
        <translation>In de vloot zoeken</translation>
    </message>
    <message>
        <location filename="../help/shortcuts.py" line="35" />
        <source>Start charging on the chosen socket (asks first)</source>
        <translation>Laden starten op het gekozen laadpunt (vraagt eerst)</translation>
    </message>
    <message>
        <location filename="../help/shortcuts.py" line="37" />
        <source>Stop the chosen socket's transaction (asks first)</source>
        <translation>De transactie op het gekozen laadpunt stoppen (vraagt eerst)</translation>
    </message>
    <message>
        <location filename="../help/shortcuts.py" line="38" />
        <source>Deploy the profile to the pole</source>
        <translation>Het profiel naar de paal sturen</translation>
    </message>
    <message>
        <location filename="../help/shortcuts.py" line="40" />
        <source>Verify the pole's own schedule against the profile</source>
        <translation>Het eigen schema van de paal met het profiel vergelijken</translation>
    </message>
    <message>
        <location filename="../help/shortcuts.py" line="41" />
        <source>Cancel a running deploy or verify</source>
        <translation>Een lopende verzending of controle afbreken</translation>
    </message>
    <message>
        <location filename="../help/shortcuts.py" line="42" />
        <source>Add a period</source>
        <translation>Een periode toevoegen</translation>
    </message>
    <message>
        <location filename="../help/shortcuts.py" line="43" />
        <source>Remove the selected periods</source>
        <translation>De gekozen perioden verwijderen</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../help/dialogs.py" line="92" />
        <source>Keyboard shortcuts</source>
        <translation>Sneltoetsen</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="93" />
        <source>Keys</source>
        <translation>Toetsen</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="93" />
        <source>What it does</source>
        <translation>Wat het doet</translation>
    </message>
    <message>
        <location filename="../help/dialogs.py" line="93" />
        <source>Where</source>
        <translation>Waar</translation>
    </message>
</context>
<context>
    <name>SiteVisit</name>
    <message>
        <location filename="../site_visit.py" line="42" />
        <source>%1 — valid for %2 (%3)</source>
        <translation>%1 — nog %2 geldig (%3)</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="43" />
        <source>all poles</source>
        <translation>alle palen</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="44" />
        <source>kept in your system keyring</source>
        <translation>bewaard in de sleutelbos van uw systeem</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="45" />
        <source>kept in a file only you can read (no system keyring here)</source>
        <translation>bewaard in een bestand dat alleen u kunt lezen (geen systeemsleutelbos hier)</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="47" />
        <source>kept until the app closes</source>
        <translation>bewaard tot de app sluit</translation>
    </message>
</context>
<context>
    <name>SiteVisitDialog</name>
    <message>
        <location filename="../site_visit.py" line="88" />
        <source>Prepare a site visit</source>
        <translation>Locatiebezoek voorbereiden</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="92" />
        <source>Fetch service tokens now, while online: on site the poles accept them without any signal. Without a token a pole can only be read.</source>
        <translation>Haal nu, zolang u online bent, servicetokens op: ter plekke accepteren de palen ze zonder bereik. Zonder token kunt u een paal alleen uitlezen.</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="95" />
        <source>The poles selected in Fleet: %1</source>
        <translation>De in Vloot geselecteerde palen: %1</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="96" />
        <source>none selected</source>
        <translation>geen geselecteerd</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="97" />
        <source>All poles</source>
        <translation>Alle palen</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="103" />
        <source> h</source>
        <translation> u</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="104" />
        <source>How long the tokens stay valid (at most 72 hours)</source>
        <translation>Hoe lang de tokens geldig blijven (hoogstens 72 uur)</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="105" />
        <source>Fetch tokens</source>
        <translation>Tokens ophalen</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="111" />
        <source>For</source>
        <translation>Voor</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="113" />
        <source>Valid for</source>
        <translation>Geldig</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="116" />
        <source>Issued tokens…</source>
        <translation>Uitgegeven tokens…</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="119" />
        <source>Every service token the service issued, to revoke one</source>
        <translation>Alle servicetokens die de service heeft uitgegeven, om er een in te trekken</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="126" />
        <source>Tokens on this laptop:</source>
        <translation>Tokens op deze laptop:</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="136" />
        <source>Fetching a token from the service…</source>
        <translation>Token ophalen bij de service…</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="137" />
        <source>Fetching a service token</source>
        <translation>Servicetoken ophalen</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="145" />
        <source>No token: %1</source>
        <translation>Geen token: %1</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="148" />
        <source>Token fetched and %1.</source>
        <translation>Token opgehaald en %1.</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="154" />
        <source>Reading this laptop's service tokens</source>
        <translation>Servicetokens van deze laptop lezen</translation>
    </message>
    <message>
        <location filename="../site_visit.py" line="163" />
        <source>none yet</source>
        <translation>nog geen</translation>
    </message>
</context>
<context>
    <name>SocketCard</name>
    <message>
        <location filename="../views/socket_card.py" line="38" />
        <source>No vehicle</source>
        <translation>Geen voertuig</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="39" />
        <source>Vehicle connected, not charging</source>
        <translation>Voertuig aangesloten, laadt niet</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="40" />
        <source>Charging</source>
        <translation>Laden</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="41" />
        <source>Charging (ventilation)</source>
        <translation>Laden (ventilatie)</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="42" />
        <source>Pilot fault (short)</source>
        <translation>Pilotfout (kortsluiting)</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="43" />
        <source>Pole not available</source>
        <translation>Paal niet beschikbaar</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="89" />
        <source>Socket %1</source>
        <translation>Laadpunt %1</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="96" />
        <location filename="../views/socket_card.py" line="219" />
        <source>waiting for data</source>
        <translation>wacht op gegevens</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="107" />
        <source>last known, not live</source>
        <translation>laatst bekend, niet actueel</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="232" />
        <source>no live data</source>
        <translation>geen actuele gegevens</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="59" />
        <source>OCPP status</source>
        <translation>OCPP-status</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="60" />
        <source>Offered</source>
        <translation>Aangeboden</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="61" />
        <source>Current L1 L2 L3</source>
        <translation>Stroom L1 L2 L3</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="62" />
        <source>Voltage</source>
        <translation>Spanning</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="63" />
        <source>Meter</source>
        <translation>Meter</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="64" />
        <source>Transaction</source>
        <translation>Transactie</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="65" />
        <source>Flags</source>
        <translation>Kenmerken</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="163" />
        <source>, blinking</source>
        <translation>, knipperend</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="210" />
        <source>%1 (local: the CSMS has not confirmed it yet)</source>
        <translation>%1 (lokaal: nog niet bevestigd door de CSMS)</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="212" />
        <source>overruled</source>
        <translation>overrule actief</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="213" />
        <source>low-current vehicle</source>
        <translation>voertuig met lage stroom</translation>
    </message>
</context>
<context>
    <name>StepPanel</name>
    <message>
        <location filename="../commissioning/step_panel.py" line="87" />
        <location filename="../commissioning/step_panel.py" line="174" />
        <source>Checking the pole…</source>
        <translation>Paal wordt gecontroleerd…</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="90" />
        <source>What</source>
        <translation>Wat</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="90" />
        <source>Value</source>
        <translation>Waarde</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="109" />
        <source>No, not as described</source>
        <translation>Nee, niet zoals beschreven</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="110" />
        <source>All seen</source>
        <translation>Alles gezien</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="111" />
        <source>Choose photo or file…</source>
        <translation>Foto of bestand kiezen…</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="112" />
        <source>Skip…</source>
        <translation>Overslaan…</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="113" />
        <source>Skip this step; you say why, the report shows it</source>
        <translation>Sla deze stap over; u geeft de reden, het rapport toont die</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="114" />
        <source>Run this step again</source>
        <translation>Deze stap opnieuw uitvoeren</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="116" />
        <source>Notes for the report (optional)</source>
        <translation>Opmerkingen voor het rapport (optioneel)</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="170" />
        <source> · optional</source>
        <translation> · optioneel</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="215" />
        <source>Skipped: %1</source>
        <translation>Overgeslagen: %1</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="245" />
        <source>The app checks this on the pole.</source>
        <translation>De app controleert dit op de paal.</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="254" />
        <source>Check</source>
        <translation>Controleren</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="259" />
        <source>Record answers</source>
        <translation>Antwoorden vastleggen</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="262" />
        <source>Yes, as described</source>
        <translation>Ja, zoals beschreven</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="267" />
        <source>measured value</source>
        <translation>gemeten waarde</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="272" />
        <source>Record value</source>
        <translation>Waarde vastleggen</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="282" />
        <source> (allowed %1–%2%3)</source>
        <translation> (toegestaan %1–%2%3)</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="285" />
        <source> (at least %1%2)</source>
        <translation> (minstens %1%2)</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="287" />
        <source> (at most %1%2)</source>
        <translation> (hoogstens %1%2)</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="302" />
        <source>seen</source>
        <translation>gezien</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="302" />
        <source>not seen</source>
        <translation>niet gezien</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="357" />
        <source>Photo or file for this step</source>
        <translation>Foto of bestand voor deze stap</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="358" />
        <source>Allowed files (%1)</source>
        <translation>Toegestane bestanden (%1)</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="363" />
        <source>Skip this step</source>
        <translation>Deze stap overslaan</translation>
    </message>
    <message>
        <location filename="../commissioning/step_panel.py" line="364" />
        <source>Why is this step skipped? The report shows your reason.</source>
        <translation>Waarom wordt deze stap overgeslagen? Het rapport toont uw reden.</translation>
    </message>
</context>
<context>
    <name>TariffsView</name>
    <message>
        <location filename="../roaming/tariffs_view.py" line="44" />
        <source>What roaming partners' drivers pay at our poles. Prices are in euros excluding VAT. A pole's own tariff wins over the fleet-wide one.</source>
        <translation>Wat rijders van roamingpartners betalen aan onze laadpalen. Prijzen in euro exclusief btw. Het eigen tarief van een laadpaal gaat voor het tarief voor de hele vloot.</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="50" />
        <source>Tariff</source>
        <translation>Tarief</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="50" />
        <source>Applies to</source>
        <translation>Geldt voor</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="50" />
        <source>Per kWh</source>
        <translation>Per kWh</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="51" />
        <source>Per hour</source>
        <translation>Per uur</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="51" />
        <source>Per session</source>
        <translation>Per laadsessie</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="51" />
        <source>VAT</source>
        <translation>Btw</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="52" />
        <source>Changed (local)</source>
        <translation>Gewijzigd (lokale tijd)</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="61" />
        <source>e.g. FLEET or PW-0001-DAY</source>
        <translation>bijv. VLOOT of PW-0001-DAG</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="63" />
        <source>empty: every pole</source>
        <translation>leeg: alle laadpalen</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="70" />
        <source>Tariff name</source>
        <translation>Naam van het tarief</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="71" />
        <source>For pole</source>
        <translation>Voor laadpaal</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="72" />
        <source>Per kWh (€)</source>
        <translation>Per kWh (€)</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="73" />
        <source>Per hour (€)</source>
        <translation>Per uur (€)</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="74" />
        <source>Per session (€)</source>
        <translation>Per laadsessie (€)</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="75" />
        <source>VAT (%)</source>
        <translation>Btw (%)</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="76" />
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="78" />
        <source>Save tariff</source>
        <translation>Tarief opslaan</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="80" />
        <source>Delete tariff</source>
        <translation>Tarief verwijderen</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="102" />
        <source>Connect to a service to see its tariffs.</source>
        <translation>Maak verbinding met een backoffice om de tarieven te zien.</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="113" />
        <source>Reading the tariffs</source>
        <translation>Tarieven lezen</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="130" />
        <source>Tariff %1 saved; partners see it at their next read.</source>
        <translation>Tarief %1 opgeslagen; partners zien het bij hun volgende ophaalronde.</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="135" />
        <source>Saving tariff %1</source>
        <translation>Tarief %1 opslaan</translation>
    </message>
    <message>
        <location filename="../roaming/tariffs_view.py" line="142" />
        <source>Deleting tariff %1</source>
        <translation>Tarief %1 verwijderen</translation>
    </message>
</context>
<context>
    <name>parent</name>
    <message>
        <location filename="../views/pole_view.py" line="116" />
        <source>Please confirm</source>
        <translation>Bevestig alstublieft</translation>
    </message>
</context>
</TS>
