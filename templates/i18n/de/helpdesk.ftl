# Der Helpdesk (/helpdesk): die Warteschlange der Anträge auf Zurücksetzen von Faktoren, ein Antrag mit seinem
# Verlauf, die Personensuche und ein Antrag im Namen einer Person.

helpdesk-title = Helpdesk
helpdesk-back = Zurück zur Warteschlange
helpdesk-none = keine
helpdesk-error-not-agent = Der Helpdesk ist für Helpdesk-Mitarbeitende und Administratoren.
helpdesk-error-no-user = Es gibt keine Person mit diesem Benutzernamen oder dieser E-Mail-Adresse.

## Die Warteschlange.
helpdesk-queue-heading = Anträge auf Zurücksetzen von Faktoren
helpdesk-find-label = Person suchen (Benutzername, E-Mail-Adresse oder Name)
helpdesk-find-button = Suchen
helpdesk-filter-label = Anträge einer Person (Benutzername oder E-Mail)
helpdesk-filter-button = Anzeigen
helpdesk-filter-all = Auch abgeschlossene anzeigen
helpdesk-filter-open = Nur offene anzeigen
helpdesk-queue-empty = Keine Anträge.
helpdesk-queue-table = Anträge auf Zurücksetzen von Faktoren
helpdesk-queue-view = Ansehen
helpdesk-col-opened = Gestellt
helpdesk-col-user = Person
helpdesk-col-request = Antrag
helpdesk-open-heading = Antrag im Namen einer Person stellen
helpdesk-open-user-label = Person (Benutzername oder E-Mail)
helpdesk-open-continue = Faktoren auswählen

## Personen suchen.
helpdesk-users-title = Person suchen
helpdesk-users-label = Benutzername, E-Mail-Adresse oder Name (ein Teil genügt)
helpdesk-users-search = Suchen
helpdesk-users-none = Keine Person gefunden.
helpdesk-users-limit = Die ersten { $limit } Treffer; geben Sie mehr ein, um die Suche einzugrenzen.
helpdesk-users-table = Gefundene Personen
helpdesk-users-disabled = gesperrt
helpdesk-users-open = Antrag stellen
helpdesk-col-email = E-Mail
helpdesk-col-roles = Rollen
helpdesk-col-factors = Faktoren
helpdesk-col-open-requests = Offene Anträge

## Einen Antrag stellen.
helpdesk-open-title = Antrag auf Zurücksetzen von Faktoren stellen
helpdesk-open-no-factors = Dieses Konto hat keinen zweiten Faktor, der zurückgesetzt werden könnte.
helpdesk-open-factors-legend = Zurückzusetzende Faktoren
helpdesk-open-some = Oder entfernen Sie dieses Häkchen und wählen Sie nur die Faktoren, die verloren sind:
helpdesk-open-added = hinzugefügt am
helpdesk-open-explain = Die Führungskraft der Person erhält einen Link zur Genehmigung per E-Mail – oder, wenn sie abwesend, ausgeschieden oder nicht eingetragen ist, wer an ihrer Stelle steht (der Antrag zeigt, wer gefragt wurde und warum); die Person selbst wird sofort informiert. Ausgeführt wird das Zurücksetzen von jemand anderem.
helpdesk-open-reason = Grund (was die Person Ihnen gesagt hat und wie sie Sie erreicht hat)
helpdesk-open-submit = Antrag stellen
helpdesk-open-another = Andere Person suchen
helpdesk-open-error-both = Wählen Sie entweder alle Faktoren oder einzelne, nicht beides.

## Ein Antrag.
helpdesk-request-title = Antrag auf Zurücksetzen von Faktoren
helpdesk-request-decided-by = Entschieden von
helpdesk-request-approver-amr = Angemeldet mit
helpdesk-request-note = Notiz
helpdesk-request-single-channel = Die Benachrichtigungen erreichen das Mitglied nur unter einer Adresse (beim Öffnen war keine zweite E-Mail-Adresse oder Telefonnummer hinterlegt): Bestätigen Sie die anrufende Person über einen anderen Weg, bevor Sie ausführen.
helpdesk-request-executed-by = Ausgeführt von
helpdesk-request-checks = Bestandene Prüfungen
helpdesk-request-closed-by = Abgeschlossen von
helpdesk-decide-heading-override = An Stelle der genehmigenden Person entscheiden
helpdesk-decide-override-text = Dieser Antrag wurde nicht an Sie geschickt. Als Administrator können Sie an Stelle der Person genehmigen oder ablehnen, an die er ging (oder wenn niemand gefragt werden konnte); geben Sie den Grund an. Die gefragte Person kann auch über den Link in ihrer E-Mail entscheiden.
helpdesk-decide-heading-manager = Als Führungskraft entscheiden
helpdesk-decide-manager-text = Sie sind die Führungskraft dieser Person: Genehmigen Sie nur, wenn Sie selbst mit ihr gesprochen haben und diesen Antrag erwarten.
helpdesk-decide-heading-routed = Als gefragte genehmigende Person entscheiden
helpdesk-decide-routed-text = Dieser Antrag wurde an Sie geschickt (siehe oben, wer gefragt wurde): Genehmigen Sie nur, wenn Sie selbst mit der Person gesprochen haben und diesen Antrag erwarten.
helpdesk-decide-note = Warum Sie an Stelle der genehmigenden Person entscheiden (erforderlich)
helpdesk-decide-approve = Zurücksetzen genehmigen
helpdesk-decide-deny = Zurücksetzen ablehnen
helpdesk-decide-others = Die Person, an die dieser Antrag geschickt wurde (siehe oben, wer gefragt wurde), entscheidet über den Link in ihrer E-Mail; ein Administrator kann an ihrer Stelle entscheiden.
helpdesk-execute-heading = Zurücksetzen ausführen
helpdesk-execute-text = Kreuzen Sie die Identitätsprüfungen an, die die Person bestanden hat. Halten Sie nur fest, welche bestanden wurden, nie die Antworten.
helpdesk-execute-legend = Bestandene Identitätsprüfungen
helpdesk-execute-submit = Zurücksetzen ausführen
helpdesk-cancel-submit = Antrag abbrechen

## Der Verlauf.
helpdesk-timeline-heading = Verlauf
helpdesk-timeline-table = Verlauf des Antrags
helpdesk-timeline-signed-in-with = angemeldet mit
helpdesk-col-when = Wann
helpdesk-col-event = Ereignis
helpdesk-col-outcome = Ergebnis
helpdesk-col-who = Wer
helpdesk-col-details = Einzelheiten
helpdesk-event-opened = Antrag gestellt
helpdesk-event-approved = Genehmigung
helpdesk-event-denied = Ablehnung
helpdesk-event-executed = Ausführung
helpdesk-event-cancelled = Abbruch
helpdesk-event-expired = Ablauf
helpdesk-event-done = Faktoren zurückgesetzt
helpdesk-event-enrol_link = Einrichtungslink
helpdesk-outcome-success = erfolgt
helpdesk-outcome-failure = fehlgeschlagen
helpdesk-outcome-denied = verweigert
helpdesk-actor-system = das System
helpdesk-actor-cancel-link = wer den Link zum Abbrechen hatte

## Die Ablehnungen des Kerns auf diesen Seiten.
core-search-for-at-most-100-characters-of-a-username-e-mail-address-or-name = Suchen Sie nach höchstens 100 Zeichen eines Benutzernamens, einer E-Mail-Adresse oder eines Namens.
helpdesk-execute-pass = Zusätzlich einen befristeten Zugangscode ausstellen (für Personen ohne Zugriff auf ihr Postfach)
helpdesk-pass-heading = Befristeter Zugangscode – nur jetzt sichtbar
helpdesk-pass-text = Lesen Sie ihn der Person vor. Nach der Wartezeit öffnen er und ihr Passwort die Seite /recovery/pass, um einmal und für begrenzte Zeit einen neuen Faktor einzurichten. Er wird nicht noch einmal angezeigt; die Person erfährt per E-Mail, dass er ausgestellt wurde.

# Anrufende prüfen (Zahlenabgleich).
helpdesk-verify-heading = Anrufende prüfen
helpdesk-verify-required-none = Die Rollen dieses Kontos verlangen keine Anruferprüfung; die Identitätsprüfungen unten genügen.
helpdesk-verify-required-either = Die Rollen dieses Kontos verlangen vor der Ausführung eine bestandene Rückfrage, an die Person oder an ihre Vorgesetzten.
helpdesk-verify-required-user = Die Rollen dieses Kontos verlangen vor der Ausführung eine bestandene Rückfrage an die Person selbst.
helpdesk-verify-required-manager = Die Rollen dieses Kontos verlangen vor der Ausführung eine bestandene Rückfrage an die vorgesetzte Person.
helpdesk-verify-required-both = Die Rollen dieses Kontos verlangen vor der Ausführung je eine bestandene Rückfrage an die Person und an die vorgesetzte Person.
helpdesk-verify-read-out = Lesen Sie diese Zahl vor; { $name } wählt sie aus dreien auf der eigenen Seite:
helpdesk-verify-waiting = Warten auf die Antwort (die Rückfrage endet nach { $minutes } Minuten): Laden Sie diese Seite neu, um sie zu sehen.
helpdesk-verify-reload = Neu laden
helpdesk-verify-results = Rückfragen der Anruferprüfung
helpdesk-verify-col-to = An
helpdesk-verify-col-by = Gesendet von
helpdesk-verify-channel-mail = per E-Mail
helpdesk-verify-channel-sms = per SMS
helpdesk-verify-state-pending = wartet auf Antwort
helpdesk-verify-state-passed = bestanden
helpdesk-verify-state-failed = fehlgeschlagen („nicht ich“)
helpdesk-verify-state-mismatch = fehlgeschlagen (andere Zahl gewählt)
helpdesk-verify-state-timed_out = abgelaufen
helpdesk-verify-does-not-count = zählt hier nicht
helpdesk-verify-user-legend = Rückfrage an die Person senden
helpdesk-verify-send-user = An die Person senden
helpdesk-verify-send-manager = Die vorgesetzte Person fragen: { $name }
helpdesk-verify-manager-approved = { $name } hat diesen Antrag genehmigt: Die Antwort zählt nicht als zweiter Nachweis.
helpdesk-verify-overridden = Übergangen von { $name }
helpdesk-verify-override-label = Als zweite Person übergehen: Warum ist der Anrufende ohne Rückfrage geprüft? (Sie führen den Antrag dann nicht selbst aus.)
helpdesk-verify-override-submit = Übergehung erfassen
helpdesk-verify-error-choose = Wählen Sie, wen Sie fragen und wie.
helpdesk-verify-error-rate-limited = Zu viele Rückfragen: höchstens drei je Antrag in 15 Minuten und zwanzig je Person in einer Stunde. Warten Sie, dann versuchen Sie es erneut.
helpdesk-event-verify_sent = Rückfrage gesendet
helpdesk-event-verify_answered = Rückfrage beantwortet
helpdesk-event-verify_override = Anruferprüfung übergangen
