<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="nl_NL">
<context>
    <name>ConnectView</name>
    <message>
        <location filename="../views/connect_view.py" line="56"/>
        <source>Disconnect from the pole</source>
        <translation>Verbinding met de paal verbreken</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="58"/>
        <source>Close the link to the pole you are connected to (before pulling the cable)</source>
        <translation>Sluit de verbinding met de paal waarmee je verbonden bent (voordat je de kabel lostrekt)</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="65"/>
        <source>Service (remote: the whole fleet)</source>
        <translation>Service (op afstand: de hele vloot)</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="69"/>
        <source>the token &apos;paalwerk service&apos; printed</source>
        <translation>het token dat &apos;paalwerk service&apos; toonde</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="70"/>
        <source>Connect to service</source>
        <translation>Verbinden met service</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="77"/>
        <source>Refresh list</source>
        <translation>Lijst vernieuwen</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="80"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="81"/>
        <source>API token</source>
        <translation>API-token</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="83"/>
        <source>Poles</source>
        <translation>Palen</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="103"/>
        <source>Give the service URL and an API token.</source>
        <translation>Geef de URL van de service en een API-token.</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="111"/>
        <source>Listing the service&apos;s poles</source>
        <translation>Palen van de service ophalen</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="118"/>
        <source>Serial cable (service port)</source>
        <translation>Seriële kabel (servicepoort)</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="123"/>
        <source>/dev/ttyUSB0, COM3 or a path</source>
        <translation>/dev/ttyUSB0, COM3 of een pad</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="124"/>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="126"/>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="145"/>
        <source>Listing serial ports</source>
        <translation>Seriële poorten zoeken</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="158"/>
        <source>Bluetooth LE</source>
        <translation>Bluetooth LE</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="161"/>
        <source>Scan</source>
        <translation>Zoeken</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="177"/>
        <source>Bluetooth is not available in this build.</source>
        <translation>Bluetooth is in deze versie niet beschikbaar.</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="180"/>
        <source>Scanning…</source>
        <translation>Zoeken…</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="185"/>
        <source>%1 poles found</source>
        <translation>%1 palen gevonden</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="187"/>
        <source>Bluetooth scan</source>
        <translation>Bluetooth-scan</translation>
    </message>
    <message>
        <location filename="../views/connect_view.py" line="202"/>
        <source>Connect to the selected pole</source>
        <translation>Verbinden met de gekozen paal</translation>
    </message>
</context>
<context>
    <name>FleetModel</name>
    <message>
        <location filename="../fleet/model.py" line="93"/>
        <source>Pole</source>
        <translation>Paal</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="94"/>
        <source>Connection</source>
        <translation>Verbinding</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="95"/>
        <source>Socket 1</source>
        <translation>Laadpunt 1</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="96"/>
        <source>Socket 2</source>
        <translation>Laadpunt 2</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="97"/>
        <source>Last seen</source>
        <translation>Laatst gezien</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="98"/>
        <source>Uptime (%)</source>
        <translation>Beschikbaarheid (%)</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="99"/>
        <source>Power (kW)</source>
        <translation>Vermogen (kW)</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="100"/>
        <source>Attention</source>
        <translation>Aandacht</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="248"/>
        <source>%1?</source>
        <translation>%1?</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="300"/>
        <source>Grid operator: %1</source>
        <translation>Netbeheerder: %1</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="301"/>
        <source>unknown</source>
        <translation>onbekend</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="303"/>
        <source>Pole status: %1</source>
        <translation>Status van de paal: %1</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="310"/>
        <source>(last known: the pole is offline)</source>
        <translation>(laatst bekend: de paal is offline)</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="312"/>
        <source>since %1</source>
        <translation>sinds %1</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="317"/>
        <source>LED: %1, blinking</source>
        <translation>Led: %1, knipperend</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="317"/>
        <source>LED: %1</source>
        <translation>Led: %1</translation>
    </message>
    <message>
        <location filename="../fleet/model.py" line="320"/>
        <source>Transaction %1 running %2</source>
        <translation>Transactie %1 loopt %2</translation>
    </message>
</context>
<context>
    <name>FleetRows</name>
    <message>
        <location filename="../fleet/rows.py" line="179"/>
        <source>Pole</source>
        <translation>Paal</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="180"/>
        <source>Socket %1</source>
        <translation>Laadpunt %1</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="181"/>
        <source>%1 faulted: %2</source>
        <translation>%1 in storing: %2</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="182"/>
        <source>%1 faulted (no error code)</source>
        <translation>%1 in storing (geen foutcode)</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="183"/>
        <source>%1 %2 with error %3</source>
        <translation>%1 %2 met fout %3</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="184"/>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="185"/>
        <source>Offline for %1</source>
        <translation>Al %1 offline</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="186"/>
        <source>%1: transaction running %2</source>
        <translation>%1: transactie loopt al %2</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="187"/>
        <source>%1 %2 for %3</source>
        <translation>%1 al %3 in %2</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="188"/>
        <source>Clock %1 behind</source>
        <translation>Klok loopt %1 achter</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="189"/>
        <source>Clock %1 ahead</source>
        <translation>Klok loopt %1 voor</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="190"/>
        <source>&lt;1 min</source>
        <translation>&lt;1 min</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="191"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="192"/>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="193"/>
        <source>%1 h</source>
        <translation>%1 u</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="194"/>
        <source>%1 d</source>
        <translation>%1 d</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="195"/>
        <source>never</source>
        <translation>nooit</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="196"/>
        <source>just now</source>
        <translation>zojuist</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="197"/>
        <source>%1 ago</source>
        <translation>%1 geleden</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="198"/>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="201"/>
        <source>Available</source>
        <translation>Beschikbaar</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="201"/>
        <source>Preparing</source>
        <translation>Voorbereiden</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="202"/>
        <source>Charging</source>
        <translation>Laden</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="202"/>
        <source>SuspendedEV</source>
        <translation>Onderbroken (auto)</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="203"/>
        <source>SuspendedEVSE</source>
        <translation>Onderbroken (paal)</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="204"/>
        <source>Finishing</source>
        <translation>Afronden</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="204"/>
        <source>Reserved</source>
        <translation>Gereserveerd</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="205"/>
        <source>Unavailable</source>
        <translation>Buiten gebruik</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="205"/>
        <source>Faulted</source>
        <translation>Storing</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="206"/>
        <source>Unknown</source>
        <translation>Onbekend</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="279"/>
        <source>off</source>
        <translation>uit</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="280"/>
        <source>green</source>
        <translation>groen</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="281"/>
        <source>light blue</source>
        <translation>lichtblauw</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="282"/>
        <source>blue</source>
        <translation>blauw</translation>
    </message>
    <message>
        <location filename="../fleet/rows.py" line="283"/>
        <source>red</source>
        <translation>rood</translation>
    </message>
</context>
<context>
    <name>FleetView</name>
    <message>
        <location filename="../fleet/view.py" line="42"/>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="43"/>
        <source>Needs attention</source>
        <translation>Vraagt aandacht</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="45"/>
        <source>Faulted</source>
        <translation>Storing</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="46"/>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="47"/>
        <source>Charging</source>
        <translation>Laden</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="115"/>
        <source>Paalwerk — Fleet</source>
        <translation>Paalwerk — Vloot</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="120"/>
        <source>Search poles, operators, status…</source>
        <translation>Zoek palen, netbeheerders, status…</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="229"/>
        <source>⚠ Not live since %1: the table shows the last known state (greyed) and may be out of date. Reconnecting… Reason: %2</source>
        <translation>⚠ Niet live sinds %1: de tabel toont de laatst bekende toestand (grijs) en kan verouderd zijn. Opnieuw verbinden… Reden: %2</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="232"/>
        <source>unknown</source>
        <translation>onbekend</translation>
    </message>
    <message>
        <location filename="../fleet/view.py" line="240"/>
        <source>%1 of %2 poles</source>
        <translation>%1 van %2 palen</translation>
    </message>
</context>
<context>
    <name>LivePlot</name>
    <message>
        <location filename="../plot/live_plot.py" line="120"/>
        <source>How much history the plot shows</source>
        <translation>Hoeveel geschiedenis de grafiek toont</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="122"/>
        <location filename="../plot/live_plot.py" line="233"/>
        <source>Pause</source>
        <translation>Pauze</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="124"/>
        <source>Freeze the picture; samples keep being recorded</source>
        <translation>Zet het beeld stil; metingen worden verder vastgelegd</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="126"/>
        <source>Export CSV…</source>
        <translation>CSV exporteren…</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="127"/>
        <source>Save the raw samples of the window shown</source>
        <translation>Sla de ruwe metingen van het getoonde venster op</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="132"/>
        <source>Window:</source>
        <translation>Venster:</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="155"/>
        <source>Current</source>
        <translation>Stroom</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="157"/>
        <source>Time</source>
        <translation>Tijd</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="233"/>
        <source>Resume</source>
        <translation>Hervatten</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="359"/>
        <source>Export CSV</source>
        <translation>CSV exporteren</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="372"/>
        <source>Exporting…</source>
        <translation>Exporteren…</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="381"/>
        <source>Exported %1 samples to %2</source>
        <translation>%1 metingen geëxporteerd naar %2</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="385"/>
        <source>Export to %1 failed: %2</source>
        <translation>Exporteren naar %1 mislukt: %2</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="398"/>
        <source>Socket %1 L%2</source>
        <translation>Laadpunt %1 L%2</translation>
    </message>
    <message>
        <location filename="../plot/live_plot.py" line="400"/>
        <source>Limit</source>
        <translation>Limiet</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../views/main_window.py" line="90"/>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="90"/>
        <source>Fleet</source>
        <translation>Vloot</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="90"/>
        <source>Pole</source>
        <translation>Paal</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="91"/>
        <source>Capacity profile</source>
        <translation>Capaciteitsprofiel</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="115"/>
        <source>&amp;View</source>
        <translation>&amp;Beeld</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="122"/>
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="127"/>
        <source>Quit</source>
        <translation>Afsluiten</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="178"/>
        <source>Connect to a service first</source>
        <translation>Verbind eerst met een service</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="201"/>
        <source>Starting charges on the demo&apos;s poles</source>
        <translation>Laadsessies starten op de palen van de demo</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="209"/>
        <source>Starting the demo&apos;s serial pole</source>
        <translation>Seriële paal van de demo starten</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="211"/>
        <source>Starting the demo&apos;s service</source>
        <translation>Service van de demo starten</translation>
    </message>
    <message>
        <location filename="../views/main_window.py" line="213"/>
        <source>Starting the demo&apos;s BLE pole</source>
        <translation>BLE-paal van de demo starten</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <location filename="../message_bar.py" line="36"/>
        <source>Details…</source>
        <translation>Details…</translation>
    </message>
    <message>
        <location filename="../message_bar.py" line="39"/>
        <source>Dismiss</source>
        <translation>Sluiten</translation>
    </message>
</context>
<context>
    <name>MessageLogPanel</name>
    <message>
        <location filename="../views/message_log_panel.py" line="31"/>
        <source>Time</source>
        <translation>Tijd</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="32"/>
        <source>Direction</source>
        <translation>Richting</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="33"/>
        <source>Action</source>
        <translation>Actie</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="34"/>
        <source>Latency</source>
        <translation>Vertraging</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="35"/>
        <source>Payload</source>
        <translation>Inhoud</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="51"/>
        <source>All actions</source>
        <translation>Alle acties</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="58"/>
        <source>Refresh</source>
        <translation>Vernieuwen</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="60"/>
        <source>The message log is kept by the service: connect to the pole through a service to see it.</source>
        <translation>Het berichtenlog wordt door de service bijgehouden: verbind via een service met de paal om het te zien.</translation>
    </message>
    <message>
        <location filename="../views/message_log_panel.py" line="92"/>
        <source>Reading the message log</source>
        <translation>Berichtenlog lezen</translation>
    </message>
</context>
<context>
    <name>PeriodsTableModel</name>
    <message>
        <location filename="../profiles/periods_table.py" line="70"/>
        <source>Starts at (hh:mm)</source>
        <translation>Begint om (uu:mm)</translation>
    </message>
    <message>
        <location filename="../profiles/periods_table.py" line="70"/>
        <source>Limit (A per phase)</source>
        <translation>Limiet (A per fase)</translation>
    </message>
    <message>
        <location filename="../profiles/periods_table.py" line="71"/>
        <source>Phases</source>
        <translation>Fasen</translation>
    </message>
    <message>
        <location filename="../profiles/periods_table.py" line="90"/>
        <source>all</source>
        <translation>alle</translation>
    </message>
</context>
<context>
    <name>PoleView</name>
    <message>
        <location filename="../views/pole_view.py" line="63"/>
        <source>No pole connected</source>
        <translation>Geen paal verbonden</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="84"/>
        <source>Live currents</source>
        <translation>Actuele stromen</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="85"/>
        <source>Schedule (24 h)</source>
        <translation>Schema (24 uur)</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="86"/>
        <source>Message log</source>
        <translation>Berichtenlog</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="101"/>
        <source>not connected</source>
        <translation>niet verbonden</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="109"/>
        <source>LightIntensity (eis 46)</source>
        <translation>LightIntensity (eis 46)</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="111"/>
        <source>pole reports: —</source>
        <translation>paal meldt: —</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="116"/>
        <source>LED intensity</source>
        <translation>Led-helderheid</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="125"/>
        <source>socket </source>
        <translation>laadpunt </translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="128"/>
        <source>Card id (idTag) used for the remote start</source>
        <translation>Pasnummer (idTag) voor het starten op afstand</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="129"/>
        <source>Start charging</source>
        <translation>Laden starten</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="130"/>
        <location filename="../views/pole_view.py" line="218"/>
        <source>Stop charging</source>
        <translation>Laden stoppen</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="131"/>
        <source>Unlock</source>
        <translation>Ontgrendelen</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="132"/>
        <source>Soft reset</source>
        <translation>Zachte herstart</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="172"/>
        <source>Pole limit: %1 A per phase</source>
        <translation>Limiet paal: %1 A per fase</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="179"/>
        <source>pole reports: %1 %</source>
        <translation>paal meldt: %1 %</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="189"/>
        <source>Reading the pole&apos;s schedule</source>
        <translation>Schema van de paal lezen</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="210"/>
        <source>Start charging on socket %1 with card %2?</source>
        <translation>Laden starten op laadpunt %1 met pas %2?</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="219"/>
        <source>socket %1 has no transaction</source>
        <translation>laadpunt %1 heeft geen transactie</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="222"/>
        <source>Stop transaction %1? The driver&apos;s session ends.</source>
        <translation>Transactie %1 stoppen? De laadsessie van de bestuurder eindigt.</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="228"/>
        <source>Unlock socket %1? A running session stops.</source>
        <translation>Laadpunt %1 ontgrendelen? Een lopende sessie stopt.</translation>
    </message>
    <message>
        <location filename="../views/pole_view.py" line="233"/>
        <source>Soft-reset the pole? Running sessions stop.</source>
        <translation>De paal zacht herstarten? Lopende laadsessies stoppen.</translation>
    </message>
</context>
<context>
    <name>PreviewPlot</name>
    <message>
        <location filename="../profiles/preview_plot.py" line="81"/>
        <source>A per phase</source>
        <translation>A per fase</translation>
    </message>
    <message>
        <location filename="../profiles/preview_plot.py" line="82"/>
        <source>local time (Europe/Amsterdam)</source>
        <translation>Nederlandse tijd</translation>
    </message>
    <message>
        <location filename="../profiles/preview_plot.py" line="91"/>
        <source>Profile as previewed</source>
        <translation>Profiel zoals getoond</translation>
    </message>
    <message>
        <location filename="../profiles/preview_plot.py" line="93"/>
        <location filename="../profiles/preview_plot.py" line="155"/>
        <source>Pole&apos;s own schedule</source>
        <translation>Eigen schema van de paal</translation>
    </message>
    <message>
        <location filename="../profiles/preview_plot.py" line="126"/>
        <source>overrule %1</source>
        <translation>overrule %1</translation>
    </message>
    <message>
        <location filename="../profiles/preview_plot.py" line="172"/>
        <source>Peak %1–%2</source>
        <translation>Piek %1–%2</translation>
    </message>
</context>
<context>
    <name>ProfileView</name>
    <message>
        <location filename="../profiles/profile_view.py" line="133"/>
        <source>Pole %1</source>
        <translation>Paal %1</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="135"/>
        <source>No pole connected</source>
        <translation>Geen paal verbonden</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="136"/>
        <source>Pole connected</source>
        <translation>Paal verbonden</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="138"/>
        <source>Reading the pole&apos;s limits</source>
        <translation>Limieten van de paal lezen</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="178"/>
        <source>the pole</source>
        <translation>de laadpaal</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="179"/>
        <source>Deploy the capacity profile?</source>
        <translation>Capaciteitsprofiel naar de laadpaal sturen?</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="180"/>
        <source>Send this profile to %1 now?

%2

The pole limits charging by it from now on.</source>
        <translation>Dit profiel nu naar %1 sturen?

%2

De laadpaal begrenst het laden vanaf nu volgens dit profiel.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="182"/>
        <source>Not deployed: nothing was sent to the pole.</source>
        <translation>Niet verstuurd: er is niets naar de laadpaal gestuurd.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="188"/>
        <source>Deploying the profile</source>
        <translation>Profiel versturen</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="210"/>
        <source>Verifying the profile</source>
        <translation>Profiel controleren</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="227"/>
        <source>Capacity profile</source>
        <translation>Capaciteitsprofiel</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="232"/>
        <source>Tender template</source>
        <translation>Aanbestedingssjabloon</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="233"/>
        <source>Custom profile</source>
        <translation>Eigen profiel</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="288"/>
        <source>hh:mm, e.g. 17:00</source>
        <translation>uu:mm, bijv. 17:00</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="289"/>
        <source>Europe/Amsterdam time; type 17:00, 1700 or 17</source>
        <translation>Nederlandse tijd; typ 17:00, 1700 of 17</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="297"/>
        <source>%1 A (limit %2 A per phase)</source>
        <translation>%1 A (limiet %2 A per fase)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="300"/>
        <location filename="../profiles/profile_view.py" line="474"/>
        <source>Peak starts</source>
        <translation>Piek begint</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="301"/>
        <location filename="../profiles/profile_view.py" line="475"/>
        <source>Peak ends</source>
        <translation>Piek eindigt</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="302"/>
        <source>Peak limit</source>
        <translation>Pieklimiet</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="303"/>
        <source>Overrule limit</source>
        <translation>Overrule-limiet</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="304"/>
        <source>Normal limit</source>
        <translation>Normale limiet</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="305"/>
        <source>Connection</source>
        <translation>Netaansluiting</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="324"/>
        <source> A per phase</source>
        <translation> A per fase</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="334"/>
        <source>ChargePointMaxProfile (whole pole)</source>
        <translation>ChargePointMaxProfile (hele paal)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="336"/>
        <source>TxDefaultProfile (per socket)</source>
        <translation>TxDefaultProfile (per laadpunt)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="342"/>
        <source>0 (whole pole)</source>
        <translation>0 (hele paal)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="344"/>
        <source>Recurring daily</source>
        <translation>Dagelijks terugkerend</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="345"/>
        <source>Absolute (this day only)</source>
        <translation>Absoluut (alleen deze dag)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="352"/>
        <source>Purpose</source>
        <translation>Doel</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="353"/>
        <source>Stack level</source>
        <translation>Stapelniveau</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="354"/>
        <source>Connector</source>
        <translation>Connector (laadpunt)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="355"/>
        <source>Kind</source>
        <translation>Soort</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="356"/>
        <source>Profile id</source>
        <translation>Profiel-id</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="368"/>
        <source>Add period (Ctrl+N)</source>
        <translation>Periode toevoegen (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="370"/>
        <source>Remove (Del)</source>
        <translation>Verwijderen (Del)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="372"/>
        <source>Copy template</source>
        <translation>Sjabloon kopiëren</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="373"/>
        <source>Replace the periods with the tender template&apos;s</source>
        <translation>Vervang de perioden door die van het aanbestedingssjabloon</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="398"/>
        <source>Details…</source>
        <translation>Details…</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="403"/>
        <source>Dismiss</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="417"/>
        <source>Deploy to pole (Ctrl+D)</source>
        <translation>Naar paal sturen (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="420"/>
        <source>Verify (Ctrl+R)</source>
        <translation>Controleren (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="422"/>
        <source>Compare the pole&apos;s own schedule with the last deployed profile</source>
        <translation>Vergelijk het eigen schema van de paal met het laatst verstuurde profiel</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="430"/>
        <source>Cancel (Esc)</source>
        <translation>Annuleren (Esc)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="531"/>
        <source>%1 periods · recurring profiles repeat every 24 h from 00:00 on %2</source>
        <translation>%1 perioden · terugkerende profielen herhalen elke 24 uur vanaf 00:00 op %2</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="537"/>
        <source>The profile was changed after the last check: deploy or verify again.</source>
        <translation>Het profiel is gewijzigd na de laatste controle: verstuur of controleer opnieuw.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="545"/>
        <source>Recurring daily ChargePointMaxProfile on connector 0, built for %1. Deploy also sets %2 on the pole.</source>
        <translation>Dagelijks terugkerend ChargePointMaxProfile op connector 0 (de hele paal), gemaakt voor %1. Versturen zet ook %2 op de paal.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="549"/>
        <source>Fix the highlighted input to see the day.</source>
        <translation>Verbeter de gemarkeerde invoer om de dag te zien.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="575"/>
        <source>Connect to a pole first (Connect screen)</source>
        <translation>Verbind eerst met een paal (scherm Verbinden)</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="577"/>
        <source>Not connected: connect to a pole to deploy.</source>
        <translation>Niet verbonden: verbind met een paal om te versturen.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="581"/>
        <source>Ready to deploy to the connected pole.</source>
        <translation>Klaar om naar de verbonden paal te sturen.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="604"/>
        <source>Cancelled. The pole may already have the new profile: press Verify to check.</source>
        <translation>Geannuleerd. De paal kan het nieuwe profiel al hebben: druk op Controleren om het na te gaan.</translation>
    </message>
    <message>
        <source>Checked 24 h from the pole&apos;s clock (%1, Europe/Amsterdam).</source>
        <translation type="vanished">24 uur gecontroleerd vanaf de klok van de paal (%1, Europe/Amsterdam).</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="615"/>
        <source>✔ Deployed and verified: the pole&apos;s schedule matches.</source>
        <translation>✔ Verstuurd en gecontroleerd: het schema van de paal klopt.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="616"/>
        <source>✔ Verified: the pole&apos;s schedule matches.</source>
        <translation>✔ Gecontroleerd: het schema van de paal klopt.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="619"/>
        <source>Done.</source>
        <translation>Klaar.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="621"/>
        <source>✘ Deployed, but the pole&apos;s schedule differs:</source>
        <translation>✘ Verstuurd, maar het schema van de paal wijkt af:</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="622"/>
        <source>✘ The pole&apos;s schedule differs from the profile:</source>
        <translation>✘ Het schema van de paal wijkt af van het profiel:</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="624"/>
        <source>%1: pole %2, expected %3</source>
        <translation>%1: paal %2, verwacht %3</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="630"/>
        <source>Check the differences (dashed line on the plot).</source>
        <translation>Bekijk de verschillen (stippellijn in de grafiek).</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="640"/>
        <source>Checked the next 24 h from now (%1, Europe/Amsterdam time).</source>
        <translation>De komende 24 uur vanaf nu gecontroleerd (%1, Nederlandse tijd).</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="645"/>
        <source>Checked until %1 (Europe/Amsterdam time): the clocks change that night. A daily profile repeats every 24 h and cannot follow the change, so the back office re-deploys it at %1, before the change; what the pole does after that is checked then.</source>
        <translation>Gecontroleerd tot %1 (Nederlandse tijd): die nacht gaat de klok om. Een dagelijks profiel herhaalt zich elke 24 uur en kan de omschakeling niet volgen; daarom zet de backoffice het om %1 opnieuw op de laadpaal, vóór de omschakeling. Wat de laadpaal daarna doet, wordt dan gecontroleerd.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="654"/>
        <source>⚠ The pole&apos;s clock is %1 (it says %2): its schedule and its meter readings run on that clock. The back office sets it when the pole connects.</source>
        <translation>⚠ De klok van de laadpaal loopt %1 (hij zegt %2): het profiel en de meterstanden volgen die klok. De backoffice zet de klok gelijk zodra de laadpaal verbinding maakt.</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="661"/>
        <source>day</source>
        <translation>dag</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="661"/>
        <source>days</source>
        <translation>dagen</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="661"/>
        <source>h</source>
        <translation>u</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="662"/>
        <source>min</source>
        <translation>min</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="662"/>
        <source>s</source>
        <translation>s</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="663"/>
        <source>%1 behind</source>
        <translation>%1 achter</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="663"/>
        <source>%1 ahead</source>
        <translation>%1 voor</translation>
    </message>
    <message>
        <location filename="../profiles/profile_view.py" line="670"/>
        <source>Not deployed yet. Deploy sends the profile, then reads the pole&apos;s own schedule back to check it.</source>
        <translation>Nog niet verstuurd. Versturen stuurt het profiel en leest daarna het eigen schema van de paal terug ter controle.</translation>
    </message>
</context>
<context>
    <name>QCoreApplication.self</name>
    <message>
        <location filename="../views/socket_card.py" line="94"/>
        <source>, blinking</source>
        <translation>, knipperend</translation>
    </message>
</context>
<context>
    <name>SchedulePlot</name>
    <message>
        <location filename="../views/schedule_plot.py" line="44"/>
        <source>The pole&apos;s schedule appears once it is connected.</source>
        <translation>Het schema van de paal verschijnt zodra hij verbonden is.</translation>
    </message>
    <message>
        <location filename="../views/schedule_plot.py" line="48"/>
        <source>Limit per phase</source>
        <translation>Limiet per fase</translation>
    </message>
    <message>
        <location filename="../views/schedule_plot.py" line="52"/>
        <source>now</source>
        <translation>nu</translation>
    </message>
    <message>
        <location filename="../views/schedule_plot.py" line="62"/>
        <source>The pole has no schedule to show (%1).</source>
        <translation>De paal heeft geen schema om te tonen (%1).</translation>
    </message>
    <message>
        <location filename="../views/schedule_plot.py" line="67"/>
        <source>The pole reports no limit: it charges at full power.</source>
        <translation>De paal meldt geen limiet: hij laadt op vol vermogen.</translation>
    </message>
    <message>
        <location filename="../views/schedule_plot.py" line="75"/>
        <source>Next 24 h as the pole computes it: %1–%2 A per phase, lowest from %3</source>
        <translation>Komende 24 uur volgens de paal: %1–%2 A per fase, laagst vanaf %3</translation>
    </message>
</context>
<context>
    <name>SocketCard</name>
    <message>
        <location filename="../views/socket_card.py" line="28"/>
        <source>No vehicle</source>
        <translation>Geen voertuig</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="29"/>
        <source>Vehicle connected, not charging</source>
        <translation>Voertuig aangesloten, laadt niet</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="30"/>
        <source>Charging</source>
        <translation>Laden</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="31"/>
        <source>Charging (ventilation)</source>
        <translation>Laden (ventilatie)</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="32"/>
        <source>Pilot fault (short)</source>
        <translation>Pilotfout (kortsluiting)</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="33"/>
        <source>Pole not available</source>
        <translation>Paal niet beschikbaar</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="49"/>
        <source>Socket %1</source>
        <translation>Laadpunt %1</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="54"/>
        <source>waiting for data</source>
        <translation>wacht op gegevens</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="62"/>
        <source>OCPP status</source>
        <translation>OCPP-status</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="62"/>
        <source>Offered</source>
        <translation>Aangeboden</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="63"/>
        <source>Current L1 L2 L3</source>
        <translation>Stroom L1 L2 L3</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="63"/>
        <source>Voltage</source>
        <translation>Spanning</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="64"/>
        <source>Meter</source>
        <translation>Meter</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="64"/>
        <source>Transaction</source>
        <translation>Transactie</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="65"/>
        <source>Flags</source>
        <translation>Kenmerken</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="70"/>
        <source>LED</source>
        <translation>Led</translation>
    </message>
    <message>
        <source>, blinking</source>
        <translation type="vanished">, knipperend</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="115"/>
        <source>%1 (local: the CSMS has not confirmed it yet)</source>
        <translation>%1 (lokaal: nog niet bevestigd door de CSMS)</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="117"/>
        <source>overruled</source>
        <translation>overrule actief</translation>
    </message>
    <message>
        <location filename="../views/socket_card.py" line="118"/>
        <source>low-current vehicle</source>
        <translation>voertuig met lage stroom</translation>
    </message>
</context>
<context>
    <name>parent</name>
    <message>
        <location filename="../views/pole_view.py" line="48"/>
        <source>Please confirm</source>
        <translation>Bevestig alstublieft</translation>
    </message>
</context>
</TS>
