# Die eigenen Seiten der angemeldeten Person: Konto (vertrauenswürdige Browser), Anmeldesicherheit (Faktoren,
# Wiederherstellungscodes), Sitzungen, verbundene Anwendungen; die einmaligen Hinweise nach einer Änderung; die
# Fehler, die diese Seiten zeigen.

## Gemeinsam
account-back = Zurück zu Ihrem Konto
account-cancel = Abbrechen
account-sign-out = Abmelden
account-this-browser = (dieser Browser)
account-browser-on = { $browser } unter { $os }
account-or = oder
account-kind-webauthn = einen Sicherheitsschlüssel oder Passkey
account-kind-totp = eine Authenticator-App
account-kind-oath-token = ein Hardware-Token
account-kind-sms = ein Telefon für SMS
account-reminder-enforced = Ihr Konto braucht jetzt einen zweiten Faktor: { $kinds }. Ab Ihrer nächsten Anmeldung können Sie nur noch einen einrichten.
account-reminder-due = Ihr Konto braucht ab dem { $from } einen zweiten Faktor ({ $kinds }). Richten Sie ihn vor dem { $by } ein: Ab diesem Tag können Sie bei der Anmeldung nur noch einen einrichten.
account-reminder-add = Jetzt einen zweiten Faktor hinzufügen.
account-admin-one-key = Sie sind Administrator, und „{ $name }“ ist Ihr einziger Sicherheitsschlüssel oder Passkey. Ein verlorener oder defekter Schlüssel kann Sie aus Ihrem Konto aussperren, und der gewöhnliche Helpdesk kann die Faktoren eines Administrators nicht zurücksetzen. Fügen Sie einen zweiten Schlüssel hinzu und bewahren Sie ihn sicher auf.
account-admin-one-key-add = Einen zweiten Sicherheitsschlüssel oder Passkey hinzufügen

## Die Kontoseite
account-title = Ihr Konto
account-hello = Hallo, { $name }
account-recovery-used = Sie haben sich mit einem Wiederherstellungscode angemeldet; Sie haben noch { $count }.
account-recovery-used-few = Sie haben sich mit einem Wiederherstellungscode angemeldet; Sie haben noch { $count } – erstellen Sie bald neue.
account-recovery-lost-before = Wenn Sie Ihr Telefon oder Ihren Sicherheitsschlüssel verloren haben,
account-recovery-lost-link = ersetzen Sie ihn jetzt
account-recovery-lost-after = : Entfernen Sie den verlorenen Faktor und fügen Sie einen neuen hinzu.
account-recovery-fresh = In den ersten zehn Minuten nach der Anmeldung geht das, ohne dass Sie erneut bestätigen müssen, dass Sie es sind.
account-username = Benutzername
account-email = E-Mail-Adresse
account-phone = Telefon
account-roles = Rollen
account-signed-in = Angemeldet
account-link-security = Anmeldesicherheit: zweite Faktoren und Wiederherstellungscodes
account-link-sessions = Ihre Sitzungen: wo Sie angemeldet sind
account-link-apps = Verbundene Anwendungen: wem Sie Zugriff gewährt haben
account-link-sessions-short = Ihre Sitzungen
account-link-apps-short = Verbundene Anwendungen
account-devices-title = Vertrauenswürdige Browser
account-devices-intro = Diese Browser überspringen bei der Anmeldung den zweiten Schritt (nie das Passwort).
account-devices-browser = Browser
account-devices-first = Vertraut seit
account-devices-last = Zuletzt verwendet
account-devices-until = Vertraut bis
account-devices-revoke = Widerrufen
account-devices-revoke-all = Alle vertrauenswürdigen Browser widerrufen
account-devices-none = Kein Browser darf Ihren zweiten Schritt überspringen.

## Anmeldesicherheit
account-security-title = Anmeldesicherheit
account-security-must-enrol = Ihr Konto braucht einen zweiten Faktor. Richten Sie einen ein, um die Anmeldung abzuschließen.
account-security-must-enrol-kinds = Ihr Konto braucht einen zweiten Faktor ({ $kinds }). Richten Sie einen ein, um die Anmeldung abzuschließen.
account-security-recovery-used = Sie haben sich mit einem Wiederherstellungscode angemeldet; Sie haben noch { $count }.
account-security-recovery-lost = Wenn Sie einen Faktor verloren haben: Entfernen Sie ihn unten und fügen Sie dann einen neuen hinzu.
account-security-recovery-lost-few = Wenn Sie einen Faktor verloren haben: Entfernen Sie ihn unten, fügen Sie dann einen neuen hinzu und erstellen Sie neue Wiederherstellungscodes.
account-security-recovery-why = Wer das verlorene Telefon oder den Schlüssel findet, kann dann nichts mehr damit anfangen.
account-ready-title = Für den Verlust vorsorgen
account-ready-why = Ihr Konto hängt jetzt an diesem einen Faktor. Wenn Sie Ihr Telefon oder Ihren Schlüssel verlieren, melden Wiederherstellungscodes Sie je einmal an, und ein zweiter Faktor funktioniert weiter – ohne sie bringt Sie nur ein Zurücksetzen von Faktoren durch Ihre Führungskraft und den Helpdesk zurück in Ihr Konto.
account-ready-codes = Wiederherstellungscodes erstellen
account-ready-second = Einen zweiten Faktor hinzufügen
account-ready-later = Nicht jetzt
account-ready-later-continue = Nicht jetzt, weiter
account-security-factors = Ihre Faktoren
account-security-factor = Faktor
account-security-added = Hinzugefügt
account-security-last-used = Zuletzt verwendet
account-security-actions = Aktionen
account-security-never = nie
account-security-recovery-codes = Wiederherstellungscodes
account-security-phone = Telefon { $number }
account-security-codes-left = (noch { $count })
account-security-flagged = Gesperrt: Von diesem Schlüssel scheint eine Kopie zu existieren, daher meldet er Sie nicht mehr an.
account-security-flagged-todo = Entfernen Sie ihn und fügen Sie ihn erneut hinzu. Wenn Sie ihn nicht kopiert haben, informieren Sie Ihren Helpdesk: Jemand anderes könnte eine Kopie haben.
account-security-change-number = Nummer ändern
account-security-remove = Entfernen
account-security-remove-label = { $name } entfernen
account-security-none = Sie haben noch keinen zweiten Faktor. Ein zweiter Faktor schützt Ihr Konto, auch wenn Ihr Passwort bekannt wird.
account-security-remove-needs-before = Um einen Faktor zu entfernen,
account-security-remove-needs-link = melden Sie sich erneut mit einem Ihrer Faktoren an
account-security-stale-before = Um einen Faktor hinzuzufügen oder zu entfernen,
account-security-stale-link = bestätigen Sie zuerst, dass Sie es sind
account-security-add-webauthn = Sicherheitsschlüssel oder Passkey hinzufügen
account-security-add-webauthn-hint = – der stärkste Faktor: Er lässt sich nicht abphishen.
account-security-add-totp = Authenticator-App hinzufügen
account-security-add-token = Hardware-Token hinzufügen
account-security-add-token-hint = (ein Schlüsselanhänger Ihrer Organisation)
account-security-add-sms = Telefon für SMS hinzufügen
account-security-add-sms-hint = – der schwächste Faktor: Telefonnummern lassen sich kapern. Besser eine Authenticator-App.
account-security-codes-replace = Meine Wiederherstellungscodes ersetzen
account-security-codes-create = Wiederherstellungscodes erstellen

## Wiederherstellungscodes, einmal angezeigt
account-codes-title = Ihre Wiederherstellungscodes
account-codes-intro = Jeder Code meldet Sie einmal an, wenn Sie Ihre anderen Faktoren nicht verwenden können.
account-codes-once = Sie werden nur dieses eine Mal angezeigt:
account-codes-keep = Drucken Sie sie aus oder bewahren Sie sie sicher auf, getrennt von Ihrem Telefon. Frühere Codes funktionieren nicht mehr.
account-codes-account = Konto: { $username }
account-codes-download = Als Textdatei herunterladen
account-codes-download-text = { $product }-Wiederherstellungscodes für { $username }
account-codes-done = Fertig
account-codes-done-continue = Fertig, weiter

## Einen Faktor hinzufügen
account-totp-title = Authenticator-App hinzufügen
account-totp-scan = Scannen Sie diesen Code mit Google Authenticator, Microsoft Authenticator oder einer anderen TOTP-App:
account-totp-qr-alt = QR-Code für Ihre Authenticator-App
account-totp-key = Oder geben Sie diesen Schlüssel von Hand ein:
account-totp-link = Einrichtungslink
account-totp-prove = Geben Sie den 6-stelligen Code ein, den die App anzeigt, um zu zeigen, dass sie funktioniert.
account-totp-name = Name (um Ihre Geräte zu unterscheiden)
account-totp-default-name = Authenticator-App
account-totp-code = Code aus der App
account-totp-submit = Hinzufügen
account-webauthn-title = Sicherheitsschlüssel oder Passkey hinzufügen
account-webauthn-intro = Sicherheitsschlüssel (mit PIN) und Passkeys (auf Ihrem Telefon oder Computer, entsperrt mit Fingerabdruck, Gesicht oder PIN) lassen sich nicht abphishen: Sie antworten nur dieser Website.
account-webauthn-name = Name (um Ihre Schlüssel zu unterscheiden)
account-webauthn-default-name = Sicherheitsschlüssel
account-webauthn-register = Registrieren
account-webauthn-unavailable = Sicherheitsschlüssel setzen voraus, dass { $product } über einen Domainnamen erreichbar ist. Fragen Sie Ihren Administrator.
account-token-title = Hardware-Token hinzufügen
account-token-intro = Geben Sie die Seriennummer ein, die auf der Rückseite Ihres Tokens steht, drücken Sie dann zweimal seine Taste und geben Sie beide Codes der Reihe nach ein.
account-token-serial = Seriennummer
account-token-first = Erster Code
account-token-second = Nächster Code
account-token-submit = Token hinzufügen
account-sms-add-short = Telefon hinzufügen
account-sms-add-title = Telefon für SMS hinzufügen
account-sms-change-title = Telefonnummer ändern
account-sms-change-intro = Anmeldecodes gehen jetzt an { $phone }. Geben Sie die neue Nummer ein: Wir senden einen Code an sie, und sobald Sie diesen Code eingeben, ersetzt die neue Nummer die alte. Bis dahin funktioniert die alte Nummer weiter. Wir informieren die alte Nummer und Ihr E-Mail-Postfach.
account-sms-weakest = SMS sind der schwächste zweite Faktor: Eine Telefonnummer kann übernommen (SIM-Swapping) und Nachrichten können abgefangen werden. Verwenden Sie sie nur als Rückfalloption; besser sind eine Authenticator-App oder ein Sicherheitsschlüssel.
account-sms-number = Mobilnummer im internationalen Format (z. B. +41 44 668 18 00)
account-sms-new-number = Neue Mobilnummer im internationalen Format (z. B. +41 44 668 18 00)
account-sms-send = Code senden
account-sms-confirm-title = Telefon bestätigen
account-sms-confirm-new-title = Neue Nummer bestätigen
account-sms-confirm-sent = Wir haben einen Code an { $phone } gesendet. Geben Sie ihn innerhalb von 5 Minuten hier ein.
account-sms-confirm-code = Code
account-sms-confirm-submit = Bestätigen
account-sms-other-number = Eine andere Nummer verwenden
account-phone-invalid = Das ist keine gültige Telefonnummer; verwenden Sie das internationale Format, z. B. +41446681800.

## Sitzungen
account-sessions-title = Ihre Sitzungen
account-sessions-intro-before = Alle Browser, in denen Ihr Konto gerade angemeldet ist. Wenn Sie einen nicht erkennen, beenden Sie die Sitzung und
account-sessions-intro-link = ändern Sie Ihr Passwort
account-sessions-browser = Browser
account-sessions-address = Adresse
account-sessions-signed-in = Angemeldet
account-sessions-last-seen = Zuletzt aktiv
account-sessions-how = Wie
account-sessions-unknown-address = unbekannt
account-sessions-pending-factor = Passwort eingegeben, wartet auf den zweiten Schritt
account-sessions-pending-enrolment = Passwort eingegeben, richtet einen zweiten Faktor ein
account-method-pwd = Passwort
account-method-otp = Einmalcode
account-method-sms = SMS
account-method-hwk = Sicherheitsschlüssel
account-method-swk = Passkey
account-method-rc = Wiederherstellungscode
account-method-device = vertrauenswürdiger Browser (zweiter Schritt übersprungen)
account-level-phishing-resistant = Zwei Faktoren, phishing-resistent
account-level-mfa = Zwei Faktoren
account-level-password = Nur Passwort
account-sessions-end = Beenden
account-sessions-end-label = Sitzung von { $browser } beenden, zuletzt aktiv { $seen }
account-sessions-end-others = Alle anderen Sitzungen beenden
account-sessions-end-explain = Das Beenden einer Sitzung meldet den Browser ab und beendet den Zugriff, den er Anwendungen gegeben hat (außer Zugriff, den Sie auch für die Zeit gewährt haben, in der Sie abgemeldet sind).
account-sessions-no-others = In keinem anderen Browser ist Ihr Konto angemeldet.
account-sessions-this-one = Dies ist die Sitzung, die Sie gerade verwenden: Melden Sie sich ab, um sie zu beenden.

## Verbundene Anwendungen
account-apps-title = Verbundene Anwendungen
account-apps-intro = Anwendungen, bei denen Sie sich mit Ihrem Konto anmelden, und was jede sehen darf. Wenn Sie eine widerrufen, endet ihr jetziger Zugriff, und sie muss Sie beim nächsten Mal erneut um Erlaubnis fragen.
account-apps-application = Anwendung
account-apps-may-see = Darf sehen
account-apps-since = Seit
account-apps-allowed = Erlaubt am { $when }
account-apps-trusted = Von Ihrer Organisation als vertrauenswürdig eingestuft
account-apps-last-used = Zuletzt angemeldet oder erneuert am { $when }
account-apps-last-used-offline = Zuletzt angemeldet oder erneuert am { $when }; funktioniert auch, während Sie abgemeldet sind
account-apps-revoke = Widerrufen
account-apps-revoke-label = Zugriff von { $app } widerrufen
account-apps-none = Zurzeit kann sich keine Anwendung mit Ihrem Konto anmelden oder es verwenden. Wenn Sie einer Anwendung Zugriff erlauben, erscheint sie hier.

## Einmalige Hinweise nach einer Änderung
account-notice-added-webauthn = Sicherheitsschlüssel oder Passkey hinzugefügt: Die Anmeldung kann ab jetzt danach fragen.
account-notice-added-totp = Authenticator-App hinzugefügt: Die Anmeldung kann ab jetzt danach fragen.
account-notice-added-token = Hardware-Token hinzugefügt: Die Anmeldung kann ab jetzt danach fragen.
account-notice-added-phone = Telefon hinzugefügt: Die Anmeldung kann ab jetzt danach fragen.
account-notice-added-recovery = Wiederherstellungscodes hinzugefügt: Die Anmeldung kann ab jetzt danach fragen.
account-notice-removed = Faktor entfernt: Er meldet Sie nicht mehr an.
account-notice-codes-created = Neue Wiederherstellungscodes erstellt: Bewahren Sie sie getrennt von Ihrem Telefon und Ihren Sicherheitsschlüsseln auf.
account-notice-codes-replaced = Neue Wiederherstellungscodes erstellt: Die alten funktionieren nicht mehr.
account-notice-phone-changed = Ihre Telefonnummer für Anmeldecodes wurde geändert; die alte Nummer erhält keine Codes mehr. Wir haben die alte Nummer und Ihr E-Mail-Postfach informiert.
account-notice-revoked-removing = { $count ->
    [one] Dabei wurde Ihr vertrauenswürdiger Browser widerrufen, damit ein gestohlenes Passwort mit einem alten Browser nicht genügt: Er fragt bei der nächsten Anmeldung nach einem zweiten Faktor.
   *[other] Dabei wurden Ihre { $count } vertrauenswürdigen Browser widerrufen, damit ein gestohlenes Passwort mit einem alten Browser nicht genügt: Sie fragen bei der nächsten Anmeldung nach einem zweiten Faktor.
}
account-notice-revoked-replacing = { $count ->
    [one] Mit dem Ersetzen wurde Ihr vertrauenswürdiger Browser widerrufen, damit ein gestohlenes Passwort mit einem alten Browser nicht genügt: Er fragt bei der nächsten Anmeldung nach einem zweiten Faktor.
   *[other] Mit dem Ersetzen wurden Ihre { $count } vertrauenswürdigen Browser widerrufen, damit ein gestohlenes Passwort mit einem alten Browser nicht genügt: Sie fragen bei der nächsten Anmeldung nach einem zweiten Faktor.
}
account-notice-revoked-changing = { $count ->
    [one] Mit der Änderung wurde Ihr vertrauenswürdiger Browser widerrufen, damit ein gestohlenes Passwort mit einem alten Browser nicht genügt: Er fragt bei der nächsten Anmeldung nach einem zweiten Faktor.
   *[other] Mit der Änderung wurden Ihre { $count } vertrauenswürdigen Browser widerrufen, damit ein gestohlenes Passwort mit einem alten Browser nicht genügt: Sie fragen bei der nächsten Anmeldung nach einem zweiten Faktor.
}
account-notice-device-revoked = Vertrauenswürdiger Browser widerrufen: Er fragt bei der nächsten Anmeldung nach Ihrem zweiten Faktor.
account-notice-devices-revoked = { $count ->
    [0] Es gab keinen vertrauenswürdigen Browser zu widerrufen.
    [one] Sie haben Ihren vertrauenswürdigen Browser widerrufen: Er fragt bei der nächsten Anmeldung nach Ihrem zweiten Faktor.
   *[other] Sie haben Ihre { $count } vertrauenswürdigen Browser widerrufen: Jeder fragt bei der nächsten Anmeldung nach Ihrem zweiten Faktor.
}
account-notice-signed-out = Sie sind abgemeldet.
account-notice-session-ended = Sitzung beendet: Dieser Browser ist abgemeldet, und die Anwendungen, bei denen er Sie angemeldet hat, verlieren den Zugriff, den er ihnen gegeben hat.
account-notice-other-sessions-ended = { $count ->
    [0] Es gab keine andere Sitzung zu beenden. Diese bleibt angemeldet.
    [one] Sie haben 1 andere Sitzung beendet: Dieser Browser ist abgemeldet. Diese Sitzung bleibt angemeldet.
   *[other] Sie haben { $count } andere Sitzungen beendet: Diese Browser sind abgemeldet. Diese Sitzung bleibt angemeldet.
}
account-notice-app-revoked = Zugriff entfernt: Die Tokens der Anwendung funktionieren nicht mehr, und sie muss Sie erneut um Erlaubnis fragen.

## Texte des Kerns, die diese Seiten zeigen
core-that-code-is-not-right-check-the-time-on-your-phone-and-try-the-next-code = Dieser Code ist nicht richtig. Prüfen Sie die Uhrzeit auf Ihrem Telefon und versuchen Sie den nächsten Code.
core-that-code-is-not-right-or-it-has-expired = Dieser Code ist nicht richtig oder abgelaufen.
core-this-enrolment-was-already-completed = Diese Einrichtung wurde bereits abgeschlossen.
core-this-enrolment-has-expired-start-again = Diese Einrichtung ist abgelaufen; beginnen Sie erneut.
core-a-name-has-at-most-64-characters = Ein Name hat höchstens 64 Zeichen.
core-your-account-s-policy-does-not-accept-this-kind-of-factor-add-one-of-the-ki = Die Richtlinie Ihres Kontos akzeptiert diese Art von Faktor nicht. Fügen Sie einen der angebotenen hinzu.
core-that-serial-number-and-those-codes-do-not-match-an-available-token = Diese Seriennummer und diese Codes passen zu keinem verfügbaren Token.
core-this-phone-is-no-longer-one-of-your-factors = Dieses Telefon ist nicht mehr einer Ihrer Faktoren.
core-that-is-the-number-you-have-now-type-the-new-one = Das ist Ihre jetzige Nummer; geben Sie die neue ein.
core-add-an-authenticator-app-or-security-key-first-recovery-codes-back-it-up = Fügen Sie zuerst eine Authenticator-App oder einen Sicherheitsschlüssel hinzu; Wiederherstellungscodes sichern diese ab.
core-the-authenticator-s-answer-is-malformed = Die Antwort des Authenticators ist fehlerhaft.
core-this-registration-has-expired-or-was-already-used-start-again = Diese Registrierung ist abgelaufen oder wurde bereits verwendet; beginnen Sie erneut.
core-the-security-key-or-passkey-could-not-be-registered = Der Sicherheitsschlüssel oder Passkey konnte nicht registriert werden.
core-unknown-browser = Unbekannter Browser
core-other-browser = Anderer Browser

## Abwesend: Anträge, die die Person genehmigen würde, gehen in der Zeit an ihre Vertretung oder ihre eigene Führungskraft.
account-away-title = Abwesend
account-away-intro = Sie sind bald weg? Solange Sie abwesend sind, gehen Anträge auf Zurücksetzen von Faktoren, die Sie für Ihre Mitarbeitenden genehmigen würden, an die Vertretung, die Sie benennen – oder ohne Vertretung an Ihre eigene Führungskraft.
account-away-until-time = Sie sind abwesend bis
account-away-until-cleared = Sie sind abwesend, bis Sie zurückmelden, dass Sie wieder da sind.
account-away-delegate-is = Anträge, die Sie genehmigen würden, gehen an { $name }.
account-away-no-delegate = Anträge, die Sie genehmigen würden, gehen an Ihre eigene Führungskraft.
account-away-back = Ich bin wieder da
account-away-delegate = Vertretung: wer an Ihrer Stelle entscheidet (Benutzername; optional)
account-away-until = Abwesend bis einschließlich (optional)
account-away-submit = Als abwesend eintragen
account-away-change = Ändern
account-notice-away-set = Sie sind als abwesend eingetragen: Anträge, die Sie genehmigen würden, gehen in der Zeit an Ihre Vertretung oder Ihre Führungskraft.
account-notice-away-cleared = Willkommen zurück: Anträge kommen wieder zu Ihnen.
core-delegate-there-is-no-such-user = Vertretung: Diese Person gibt es nicht.
core-delegate-nobody-is-their-own-delegate = Vertretung: Niemand ist die eigene Vertretung.
core-delegate-that-account-is-disabled = Vertretung: Dieses Konto ist deaktiviert.
core-delegate-they-report-to-the-person-who-is-away-choose-someone-that-person-d = Vertretung: Diese Person wird von der abwesenden Person geführt; wählen Sie jemanden, den sie nicht führt.
core-until-give-a-day-yyyy-mm-dd-or-a-time-rfc-3339-e-g-2026-12-24t17-00-00z = Ende: Geben Sie einen Tag (JJJJ-MM-TT) oder eine Zeit (RFC 3339, z. B. 2026-12-24T17:00:00Z) an.
core-until-the-end-of-an-absence-must-lie-in-the-future = Ende: Das Ende einer Abwesenheit muss in der Zukunft liegen.
core-until-at-most-a-year-ahead-leave-it-out-for-an-absence-until-it-is-cleared = Ende: höchstens ein Jahr im Voraus; lassen Sie es weg für eine Abwesenheit bis auf Widerruf.
core-only-a-browser-signed-in-with-a-security-key-or-passkey-can-approve-a-sign-i = Nur ein Browser, der mit einem Sicherheitsschlüssel oder Passkey angemeldet ist, kann eine Anmeldung bestätigen.
core-this-request-was-already-answered-or-has-expired = Diese Anfrage wurde bereits beantwortet oder ist abgelaufen.

## Anmeldungen von diesem Browser aus bestätigen (account/approvals.html)
account-link-approvals = Eine Anmeldung in einem anderen Browser bestätigen
account-approvals-waiting = Eine Anmeldung in einem anderen Browser wartet auf Ihre Bestätigung.
account-approvals-title = Eine Anmeldung bestätigen
account-approvals-intro = Jemand meldet sich in einem anderen Browser bei Ihrem Konto an. Wenn Sie das sind, wählen Sie die Zahl, die jener Browser zeigt. Wenn nicht, lehnen Sie ab und ändern Sie Ihr Passwort.
account-approvals-none = Keine Anmeldung wartet auf Ihre Bestätigung. Diese Seite zeigt eine an, sobald Sie in einem anderen Browser darum bitten.
account-approvals-cannot = Nur ein Browser, der mit einem Sicherheitsschlüssel oder Passkey angemeldet ist, kann Anmeldungen bestätigen. Melden Sie sich hier mit einem an, um zu bestätigen.
account-approvals-from = { $browser }
account-approvals-address = von { $ip }
account-approvals-pick = Wählen Sie die Zahl, die der andere Browser zeigt
account-approvals-deny = Das war ich nicht: ablehnen
account-approvals-bad-pick = Wählen Sie eine der drei Zahlen.
account-approvals-done-approved = Bestätigt: Der andere Browser ist jetzt angemeldet.
account-approvals-done-mismatch = Das war nicht die Zahl des anderen Browsers, daher wurde die Anmeldung abgelehnt. Wenn Sie sie nicht begonnen haben, ändern Sie Ihr Passwort: Jemand kennt es.
account-approvals-done-denied = Abgelehnt. Wenn Sie diese Anmeldung nicht begonnen haben, ändern Sie jetzt Ihr Passwort: Jemand kennt es.
account-method-mca = von einem anderen Browser bestätigt

## Passkey profiles: credentials the role's profile no longer accepts.
account-security-reenrol-notice = Ihre Rolle verlangt jetzt mehr von Sicherheitsschlüsseln und Passkeys, und einige Ihrer Schlüssel erfüllen das nicht mehr. Sie funktionieren weiterhin als zweiter Faktor, zählen aber nicht mehr als hardwaregebunden: Registrieren Sie einen passenden Schlüssel und entfernen Sie dann den alten.
account-security-reenrol-add = Neuen Sicherheitsschlüssel registrieren
account-security-reenrol = Diesen Schlüssel neu registrieren:
account-security-reenrol-not_attested = Hersteller und Modell wurden bei der Registrierung nicht geprüft.
account-security-reenrol-model_not_allowed = Dieses Modell akzeptiert Ihre Rolle nicht.
account-security-reenrol-synced = Es ist ein synchronisierter Passkey, und Ihre Rolle akzeptiert nur an ein Gerät gebundene Schlüssel.
account-security-reenrol-no_user_verification = Er hat bei der Registrierung keine PIN und keine biometrischen Merkmale geprüft.
core-your-role-accepts-only-security-keys-whose-make-and-model-can-be-verified-a = Ihre Rolle akzeptiert nur Sicherheitsschlüssel, deren Hersteller und Modell sich prüfen lassen (Attestierung), und bei diesem Authenticator war das nicht möglich. Verwenden Sie einen Sicherheitsschlüssel, den Ihre Organisation ausgegeben hat.
core-your-role-accepts-only-certain-security-key-models-and-this-is-not-one-of-t = Ihre Rolle akzeptiert nur bestimmte Modelle von Sicherheitsschlüsseln, und dieser gehört nicht dazu. Verwenden Sie einen Sicherheitsschlüssel, den Ihre Organisation ausgegeben hat.
core-your-role-accepts-only-security-keys-bound-to-one-device-and-this-is-a-sync = Ihre Rolle akzeptiert nur an ein Gerät gebundene Sicherheitsschlüssel, und dies ist ein synchronisierter Passkey. Verwenden Sie einen Sicherheitsschlüssel oder einen Passkey, der auf diesem Gerät bleibt.
core-your-role-requires-an-authenticator-that-checks-a-pin-or-biometrics-and-thi = Ihre Rolle verlangt einen Authenticator, der eine PIN oder biometrische Merkmale prüft, und dieser hat das nicht getan.
core-your-role-accepts-only-attested-security-keys-but-no-attestation-trust-anch = Ihre Rolle akzeptiert nur attestierte Sicherheitsschlüssel, aber auf diesem Server sind keine Vertrauensanker für die Attestierung eingerichtet. Wenden Sie sich an einen Administrator.
core-an-aaguid-allow-list-needs-passkey-attestation-required-without-attestation = Eine AAGUID-Liste setzt verlangte Passkey-Attestierung voraus: Ohne Attestierung kann ein Authenticator jede AAGUID behaupten.
core-an-aaguid-allow-list-holds-at-most-256-entries = Eine AAGUID-Liste hat höchstens 256 Einträge.
