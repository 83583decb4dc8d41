# Die Administrationskonsole (/admin): Worte für Administratoren und Helpdesk-Mitarbeitende. Technische Namen
# (Client, SAML, OpenID Connect, NameID, Entity-ID, Namen von Audit-Ereignissen und Faktorarten wie webauthn)
# bleiben, wie sie sind.

## Der Rahmen
admin-title = Administration
admin-title-product = { $product } Administration
admin-skip = Zum Seiteninhalt springen
admin-nav-label = Administration
admin-nav-dashboard = Übersicht
admin-nav-users = Benutzer
admin-nav-roles = Rollen
admin-nav-clients = Clients
admin-nav-sps = Service Provider
admin-nav-keys = Schlüssel
admin-nav-tokens = Hardware-Token
admin-nav-audit = Audit-Log
admin-nav-signals = Shared Signals
admin-nav-helpdesk = Helpdesk-Warteschlange
admin-operator = { $name } ({ $username }), { $role }
admin-your-account = Ihr Konto
admin-sign-out = Abmelden
admin-error-no-role = Die Administrationskonsole ist Administratoren und Helpdesk-Mitarbeitenden vorbehalten.
admin-error-too-weak = Ihre Rolle verlangt eine stärkere Anmeldung, als Ihre Anmeldemethoden sie bieten. Fügen Sie unter Konto › Anmeldesicherheit (/account/security) { $what ->
    [key] einen Sicherheitsschlüssel oder Passkey
   *[other] einen zweiten Faktor
} hinzu und öffnen Sie die Konsole dann erneut.

## Gemeinsame Wörter
admin-none = keine
admin-never = nie
admin-yes = ja
admin-no = nein
admin-first-page = Erste Seite
admin-next-page = Nächste Seite
admin-deleted-account = ein gelöschtes Konto
admin-via = über { $via }
admin-status-active = aktiv
admin-status-disabled = deaktiviert
admin-outcome-success = Erfolg
admin-outcome-failure = Fehlschlag
admin-outcome-denied = abgewiesen
admin-field-username = Benutzername
admin-field-display-name = Anzeigename
admin-field-email = E-Mail
admin-field-email-address = E-Mail-Adresse
admin-field-phone = Telefon
admin-field-manager = Führungskraft
admin-field-away = Abwesend
admin-away-until = bis { $until }
admin-away-open-ended = bis zur Rückmeldung
admin-away-delegate = Anträge, die diese Person genehmigen würde, gehen an { $name }
admin-away-no-delegate = Anträge, die diese Person genehmigen würde, gehen an ihre eigene Führungskraft
admin-field-status = Status
admin-field-roles = Rollen
admin-field-password = Passwort
admin-field-second-factor = Zweiter Faktor
admin-field-created = Angelegt
admin-field-source = Herkunft
admin-field-external-id = Verzeichnis-ID (externalId)
admin-field-directory-deleted = Vom Verzeichnis gelöscht
admin-source-scim = Verzeichnis (SCIM)
admin-source-cli = Kommandozeile
admin-source-console = Konsole
admin-source-api = Admin-API
admin-source-setup = Erster Start
admin-source-unknown = Nicht erfasst
admin-field-added = Hinzugefügt
admin-field-state = Zustand
admin-field-kind = Art
admin-field-name = Name
admin-field-last-used = Zuletzt verwendet
admin-field-time = Zeit
admin-field-event = Ereignis
admin-field-outcome = Ergebnis
admin-field-by = Durch
admin-field-from = Von
admin-field-action = Aktion
admin-field-fingerprint = SHA-256-Fingerabdruck
admin-role-admin-description = Verwaltet Gatehouse: Benutzer, Rollen, Clients, Service Provider
admin-role-helpdesk-description = Führt genehmigte Faktor-Zurücksetzungen aus und hilft Benutzern
admin-role-user-description = Ein gewöhnliches Konto
admin-kind-webauthn = Sicherheitsschlüssel oder Passkey
admin-kind-totp = Authenticator-App
admin-kind-oath-token = Hardware-Token
admin-kind-sms = SMS
admin-kind-recovery-code = Wiederherstellungscodes
admin-kinds-webauthn = Sicherheitsschlüssel und Passkeys
admin-kinds-totp = Authenticator-Apps
admin-kinds-oath-token = Hardware-Token
admin-kinds-sms = SMS
admin-kinds-recovery-code = Wiederherstellungscodes (nur als Reserve)
admin-reset-state-requested = beantragt
admin-reset-state-approved = genehmigt
admin-reset-state-waiting = in Wartezeit
admin-reset-state-done = erledigt
admin-reset-state-denied = abgelehnt
admin-reset-state-cancelled = abgebrochen
admin-reset-state-expired = abgelaufen
admin-session-state-authenticated = angemeldet
admin-session-state-pending-second-factor = wartet auf den zweiten Faktor
admin-session-state-pending-enrolment = richtet einen verlangten Faktor ein
admin-key-state-next = nächster
admin-key-state-active = aktiv
admin-key-state-previous = vorheriger
admin-key-state-expired = abgelaufen
admin-key-state-retired = außer Dienst
admin-file-too-large = { $name } ist größer als { $kib } KiB und wurde nicht gelesen.
admin-file-read = { $name } ({ $bytes } Bytes) wurde in das Feld unten gelesen.
admin-file-unreadable = { $name } konnte nicht gelesen werden.

## Bestätigungsseiten
admin-confirm-title = Bestätigen
admin-confirm-cancel = Abbrechen, zurück zu { $back }

## Übersicht
admin-dashboard-title = Übersicht
admin-readiness-title = Administratorzugang gefährdet
admin-readiness-none = Kein Administrator kann sich anmelden: Niemand mit der Rolle admin ist aktiv und hat ein Passwort (oder einen Passkey) und den zweiten Faktor, den die Richtlinie verlangt. Gatehouse lässt sich jetzt nur noch über die Kommandozeile auf dem Server verwalten.
admin-readiness-one = Nur { $username } kann sich als Administrator anmelden: Verliert diese Person ihren Zugang, verlässt sie das Unternehmen oder wird sie deaktiviert, lässt sich Gatehouse nur noch über die Kommandozeile auf dem Server verwalten – und das Zurücksetzen der Faktoren eines Administrators müssen andere Administratoren genehmigen und ausführen.
admin-readiness-add = Fügen Sie einen zweiten Administrator hinzu:
admin-readiness-create = Konto mit der Rolle admin anlegen
admin-readiness-or-server = oder auf dem Server:
admin-readiness-command = gatehouse user add NAME --email ADRESSE --role admin
admin-readiness-one-factor = { $username } meldet sich mit { $factor ->
    [yes] einem einzigen Sicherheitsschlüssel
   *[other] einem einzigen zweiten Faktor
} an und hat keine Wiederherstellungscodes: Geht er verloren, ist Gatehouse ausgesperrt.
admin-readiness-add-spare-own = Fügen Sie einen zweiten Sicherheitsschlüssel hinzu oder erstellen Sie Wiederherstellungscodes.
admin-readiness-add-spare = Bitten Sie die Person, unter Konto › Anmeldesicherheit einen zweiten Sicherheitsschlüssel hinzuzufügen oder Wiederherstellungscodes zu erstellen.
admin-dashboard-failures = Fehlgeschlagene oder abgewiesene Anmeldeschritte
admin-dashboard-failures-aside = In den letzten 24 Stunden; { $count } erfolgreich.
admin-dashboard-accounts = Konten, die Aufmerksamkeit brauchen
admin-dashboard-disabled = deaktiviert
admin-dashboard-locked = mit gesperrtem Passwort (zu viele Fehlversuche)
admin-dashboard-resets = Offene Anträge auf Faktor-Zurücksetzung
admin-dashboard-resets-none = Keiner wartet.
admin-dashboard-sign-ins = Anmeldeereignisse seit { $since }
admin-dashboard-step = Schritt
admin-dashboard-succeeded = Erfolgreich
admin-dashboard-failed = Fehlgeschlagen
admin-dashboard-refused = Abgewiesen
admin-dashboard-cell-succeeded = { $count } × { $step } erfolgreich
admin-dashboard-cell-failed = { $count } × { $step } fehlgeschlagen
admin-dashboard-cell-refused = { $count } × { $step } abgewiesen
admin-dashboard-kind-password = Passwort
admin-dashboard-kind-second-factor = Zweiter Faktor oder Step-up
admin-dashboard-kind-passkey = Passkey ohne Passwort
admin-dashboard-kind-trusted-device = Vertrauenswürdiger Browser
admin-dashboard-kind-ip-denied = Von IP-Regeln abgewiesen
admin-dashboard-kind-password-locked = Passwort gesperrt
admin-dashboard-kind-password-unlocked = Passwort entsperrt
admin-dashboard-sign-ins-note = Eine Anmeldung besteht aus einem Passwortschritt und bei den meisten Konten einem Schritt mit dem zweiten Faktor: Jeder wird gezählt.
admin-dashboard-sign-ins-all = Alle Anmeldeereignisse der letzten 24 Stunden
admin-dashboard-keys = Schlüssel und Zertifikate, die in den nächsten { $days } Tagen fällig werden
admin-dashboard-keys-none = In den nächsten { $days } Tagen geht kein Signaturschlüssel außer Dienst und läuft kein SAML-Zertifikat ab.
admin-dashboard-keys-what = Was
admin-dashboard-keys-key = Schlüssel
admin-dashboard-keys-when = Wann
admin-dashboard-key-oidc-retires = OpenID-Connect-Signaturschlüssel geht außer Dienst
admin-dashboard-key-saml-retires = SAML-Signaturschlüssel geht außer Dienst
admin-dashboard-key-cert-expires = SAML-Zertifikat läuft ab
admin-dashboard-key-cert-expired = SAML-Zertifikat ist abgelaufen
admin-dashboard-keys-rotate = Erneuern Sie sie auf der
admin-dashboard-keys-page = Schlüsselseite
admin-dashboard-keys-rotate-or = { " " }oder mit
admin-dashboard-keys-oidc = (OpenID Connect) und
admin-dashboard-keys-saml = (SAML).

## Benutzer
admin-users-title = Benutzer
admin-users-search-label = Benutzername, E-Mail-Adresse oder Name (ein Teil genügt)
admin-users-search = Suchen
admin-users-search-too-long = Suchen Sie nach höchstens { $max } Zeichen.
admin-users-none = Kein Konto passt.
admin-users-table = Konten
admin-users-password-locked = , Passwort gesperrt
admin-users-pages = Seiten der Kontenliste
admin-users-create-title = Konto anlegen
admin-users-create-display-name = Anzeigename (optional)
admin-users-create-manager = Führungskraft: Benutzername oder E-Mail (optional)
admin-users-create-phone = Telefon, z. B. +41446681800 (optional)
admin-users-create-note = Das Konto beginnt ohne Passwort: Die Person legt es mit „Passwort vergessen?“ auf der Anmeldeseite fest.
admin-users-create-button = Konto anlegen
admin-users-created = Das Konto { $username } ({ $name }) wurde angelegt. Es hat noch kein Passwort: Die Person legt es mit „Passwort vergessen?“ auf der Anmeldeseite fest.
admin-users-manager-unknown = Führungskraft: Es gibt kein Konto { $manager }.

## Ein Konto
admin-user-not-found = Es gibt kein Konto { $username }.
admin-user-locked = ; das Passwort ist nach zu vielen Fehlversuchen gesperrt
admin-user-password-set = festgelegt
admin-user-password-not-set = noch nicht festgelegt
admin-user-mfa-required = für dieses Konto verlangt, unabhängig von seinen Rollen
admin-user-edit-profile = Profil bearbeiten
admin-user-edit-profile-or-username = Profil oder Benutzernamen bearbeiten
admin-user-unlock = Passwort entsperren
admin-user-disable = Konto deaktivieren…
admin-user-enable = Konto aktivieren
admin-user-delete = Konto löschen…
admin-user-remove-role = Entziehen…
admin-user-remove-role-label = Rolle { $role } entziehen…
admin-user-give-role-label = Rolle vergeben
admin-user-give-role = Rolle vergeben
admin-user-sessions = Sitzungen
admin-user-sessions-none = Keine laufende Sitzung.
admin-user-session = Sitzung
admin-user-signed-in = Angemeldet
admin-user-last-seen = Zuletzt gesehen
admin-user-methods = Methoden
admin-user-end-session = Beenden…
admin-user-end-session-label = Die am { $started } begonnene Sitzung beenden…
admin-user-end-sessions = Alle Sitzungen beenden…
admin-user-factors = Zweite Faktoren
admin-user-factors-none = Kein zweiter Faktor.
admin-factor-active = aktiv
admin-factor-pending = noch nicht bestätigt
admin-user-factor-flagged = ; als mögliche Kopie markiert
admin-user-factors-note = Faktoren werden hier nicht entfernt: Ein verlorener Faktor wird über eine Faktor-Zurücksetzung ersetzt, die die Führungskraft der Person genehmigt und der Helpdesk ausführt.
admin-user-open-reset = Antrag auf Faktor-Zurücksetzung stellen
admin-user-reset-opened = Antrag auf Faktor-Zurücksetzung vom { $opened }
admin-user-devices = Vertrauenswürdige Browser
admin-user-devices-none = Kein Browser darf den zweiten Faktor dieses Kontos überspringen.
admin-user-browser = Browser
admin-user-first-trusted = Vertrauenswürdig seit
admin-user-trusted-until = Vertrauenswürdig bis
admin-user-revoke-devices = Alle vertrauenswürdigen Browser widerrufen…
admin-user-trail = Audit-Verlauf
admin-user-trail-none = Kein Ereignis zu diesem Konto.
admin-user-trail-note = Die letzten 50 Ereignisse.
admin-user-trail-all = Alle Ereignisse zu { $username } im Audit-Log

## Aktionen an einem Konto (Hinweise und Bestätigungen)
admin-error-choose-role = Wählen Sie eine Rolle.
admin-error-choose-status = Wählen Sie deaktiviert oder aktiv.
admin-error-choose-session = Wählen Sie eine Sitzung oder alle.
admin-role-given = { $username } hat die Rolle { $role } erhalten.
admin-role-already-had = { $username } hatte die Rolle { $role } bereits.
admin-role-removed = { $username } wurde die Rolle { $role } entzogen.
admin-role-did-not-have = { $username } hatte die Rolle { $role } nicht.
admin-remove-role-title = { $username } die Rolle { $role } entziehen?
admin-remove-role-loses = { $who } verliert ab der nächsten Anfrage, was die Rolle { $role } gewährt.
admin-remove-role-console = In dieser Rolle kann die Person die Konsole nicht mehr verwenden.
admin-remove-role-button = Rolle entziehen
admin-status-already-active = { $username } ist bereits aktiv.
admin-status-already-disabled = { $username } ist bereits deaktiviert.
admin-disable-title = { $username } deaktivieren?
admin-disable-ends = { $who } kann sich nicht mehr anmelden, und jede Sitzung der Person endet jetzt, samt den damit erlangten Tokens.
admin-disable-stays = Passwort, Faktoren und Rollen bleiben: Wird das Konto wieder aktiviert, ist die Anmeldung wieder möglich.
admin-disable-own = Das ist Ihr eigenes Konto: Sie werden sofort abgemeldet.
admin-disable-button = Konto deaktivieren
admin-disabled = { $username } wurde deaktiviert; die Sitzungen sind beendet.
admin-enabled = { $username } wurde aktiviert und kann sich wieder anmelden.
admin-revoke-title = Alle vertrauenswürdigen Browser von { $username } widerrufen?
admin-revoke-consequence = { $who } wird bei der nächsten Anmeldung in jedem Browser nach einem zweiten Faktor gefragt; die laufenden Sitzungen bleiben.
admin-revoke-button = Alle vertrauenswürdigen Browser widerrufen
admin-revoked = { $count ->
    [0] { $username } hatte keinen vertrauenswürdigen Browser.
    [one] Der eine vertrauenswürdige Browser von { $username } wurde widerrufen.
   *[other] { $count } vertrauenswürdige Browser von { $username } wurden widerrufen.
}
admin-end-all-title = Alle Sitzungen von { $username } beenden?
admin-end-one-title = Diese Sitzung von { $username } beenden?
admin-end-all-consequence = Jeder Browser von { $who } wird sofort abgemeldet, und jedes mit diesen Anmeldungen erlangte Token wird widerrufen, Offline-Zugriff eingeschlossen.
admin-end-all-stays = Passwort, Faktoren und vertrauenswürdige Browser bleiben: Die Person kann sich wieder anmelden.
admin-end-one-consequence = Der Browser von { $who } mit der Sitzung { $session } wird sofort abgemeldet, und die mit dieser Anmeldung erlangten Tokens werden widerrufen (außer Offline-Zugriff).
admin-end-own = Das ist Ihr eigenes Konto: Ihre Sitzung hier kann darunter sein.
admin-end-all-button = Alle Sitzungen beenden
admin-end-one-button = Sitzung beenden
admin-ended-all = { $count ->
    [0] { $username } hatte keine Sitzung.
    [one] Die eine Sitzung von { $username } wurde beendet.
   *[other] { $count } Sitzungen von { $username } wurden beendet.
}
admin-ended-one = Eine Sitzung von { $username } wurde beendet.
admin-end-not-found = Diese Sitzung wurde nicht gefunden: Vielleicht ist sie schon beendet.
admin-unlocked = Das Passwort von { $username } wurde entsperrt: Die Person kann sich wieder damit anmelden.
admin-not-locked = Das Passwort von { $username } war nicht gesperrt; die Fehlversuche wurden zurückgesetzt.

## Profil, Benutzername, Löschen
admin-profile-title = { $username } bearbeiten
admin-profile-heading = { $name } bearbeiten
admin-profile-back = Zurück zu { $name } ({ $username })
admin-profile-profile = Profil
admin-profile-display-name = Anzeigename (leer: der Benutzername)
admin-profile-phone = Telefon, z. B. +41446681800 (leer: keine)
admin-profile-manager = Führungskraft: Benutzername oder E-Mail (leer: keine)
admin-profile-phone-note = Eine neue Telefonnummer wird wie eine Änderung durch die Person selbst behandelt: Jeder Browser, der ihren zweiten Faktor überspringen darf, wird widerrufen, und sie wird per E-Mail benachrichtigt.
admin-profile-phone-note-with-old = Eine neue Telefonnummer wird wie eine Änderung durch die Person selbst behandelt: Jeder Browser, der ihren zweiten Faktor überspringen darf, wird widerrufen, und sie wird per E-Mail und per SMS an die alte Nummer benachrichtigt.
admin-profile-phone-note-sms = Ein SMS-Faktor behält die Nummer, mit der er bestätigt wurde.
admin-profile-manager-note = Die Führungskraft genehmigt die Faktor-Zurücksetzungen der Person: nie die Person selbst und niemand, der ihr unterstellt ist.
admin-profile-email-note = Bei einer neuen E-Mail-Adresse wird die alte Adresse benachrichtigt.
admin-profile-save = Profil speichern
admin-profile-new-username = Neuer Benutzername
admin-profile-rename = Umbenennen
admin-profile-rename-note = Das Konto behält seine ID: Sitzungen, Tokens, SAML-Kennungen und Audit-Verlauf bleiben ihm erhalten. Anwendungen, die den Benutzernamen anzeigen, sehen den neuen bei der nächsten Anmeldung.
admin-changed-email = E-Mail-Adresse
admin-changed-display-name = Anzeigename
admin-changed-phone = Telefonnummer (vertrauenswürdige Browser widerrufen, die Person benachrichtigt)
admin-changed-manager = Führungskraft
admin-profile-unchanged = Für { $username } gibt es nichts zu ändern.
admin-profile-changed = Geändert bei { $username }: { $what }.
admin-rename-same = { $username } hat diesen Benutzernamen bereits.
admin-renamed = { $username } heißt jetzt { $new }: dasselbe Konto, Sitzungen, Tokens und Verlauf bleiben.
admin-delete-title = { $username } löschen?
admin-delete-for-good = { $who } wird endgültig entfernt. Rückgängig machen lässt sich nur das Deaktivieren.
admin-delete-sessions = Jede Sitzung endet jetzt, und jedes von der Person erlangte Token wird widerrufen, Offline-Zugriff eingeschlossen; die Anwendungen, bei denen sie angemeldet war, werden benachrichtigt.
admin-delete-factors = Zweite Faktoren, Wiederherstellungscodes, vertrauenswürdige Browser, Zustimmungen, Passwort-Links und Anträge auf Faktor-Zurücksetzung (auch offene) werden entfernt, ebenso die Rollen.
admin-delete-reports = Wer der Person unterstellt ist, hat keine Führungskraft mehr: Bis eine neue eingetragen ist, genehmigt ein Administrator deren Faktor-Zurücksetzungen.
admin-delete-names = Benutzername und E-Mail-Adresse werden frei; ein neues Konto damit ist eine andere Person. Das Audit-Log behält jedes Ereignis zu ihr.
admin-delete-own = Das ist Ihr eigenes Konto: Sie werden abgemeldet und können nicht zurückkehren.
admin-delete-button = Konto endgültig löschen
admin-deleted = Das Konto { $username } wurde gelöscht ({ $sessions } Sitzungen beendet).
admin-deleted-reports = { $count ->
    [one] Eine Person, deren Führungskraft es war, hat jetzt keine Führungskraft mehr.
   *[other] { $count } Personen, deren Führungskraft es war, haben jetzt keine Führungskraft mehr.
}

## Rollen und ihre Richtlinien
admin-roles-heading = Rollen und ihre Richtlinien
admin-roles-note = Was jede Rolle von der Anmeldung ihrer Mitglieder verlangt. Wer mehrere Rollen hat, bekommt jeweils die strengste Einstellung: nur die Faktorarten, die jede Rolle zählt, und die kürzesten Fristen.
admin-roles-role = Rolle
admin-roles-reauth = Erneut anmelden
admin-roles-networks = Netze
admin-roles-days = { $count ->
    [one] { $count } Tag
   *[other] { $count } Tage
}
admin-roles-reauth-server = wie der Server
admin-roles-reauth-limits = { $absolute } absolut, { $idle } bei Inaktivität
admin-roles-minutes = { $minutes } Min.
admin-roles-server-limit = Server
admin-roles-anywhere = überall
admin-roles-networks-count = { $allowed } erlaubt, { $refused } abgewiesen
admin-role-title = Rolle { $role }
admin-role-heading = Die Rolle { $role }
admin-role-all = Alle Rollen
admin-role-what = Beschreibung
admin-role-members = Mitglieder
admin-role-changed = Richtlinie geändert
admin-role-not-found = Es gibt keine Rolle { $role }.
admin-role-policy = Richtlinie
admin-role-factors = Zählende Faktoren
admin-role-mfa-required = Mitglieder müssen einen zweiten Faktor haben und verwenden
admin-role-enforce-from = Verlangt ab (JJJJ-MM-TT, UTC; leer: sofort)
admin-role-grace-days = Schonfrist in Tagen nach diesem Datum (0 bis { $max })
admin-role-trusted-days = Tage als vertrauenswürdiger Browser (0: nie)
admin-role-reauth-absolute = Erneut anmelden nach (Minuten; leer: wie der Server)
admin-role-reauth-idle = Erneut anmelden nach Inaktivität (Minuten; leer: wie der Server)
admin-role-recovery-delay = Wartezeit der Faktor-Zurücksetzung (Minuten, höchstens { $max }; leer: wie der Server)
admin-role-acr-age-mfa = Mehrfaktor-Anmeldung gilt (Minuten; leer: { $default })
admin-role-acr-age-phr = Phishing-resistente Anmeldung gilt (Minuten; leer: { $default })
admin-role-acr-age-phrh = Hardwaregebundene Anmeldung gilt (Minuten; leer: { $default })
admin-role-recovery = Wiederherstellung eines verlorenen Faktors
admin-role-recovery-default = Die eingebauten Wege dieser Rolle ({ $paths })
admin-role-recovery-note = Wenn nicht die eingebauten Wege gewählt sind, kreuzen Sie an, auf welchen Wegen Mitglieder zurückkommen dürfen; mindestens eine der beiden Arten von Zurücksetzungsanträgen. Wer mehrere Rollen hat, darf nur die Wege nehmen, die jede seiner Rollen erlaubt.
admin-role-caller-check = Anruferprüfung vor einer Zurücksetzung durch den Helpdesk
admin-role-caller-check-default = Die eingebaute Prüfung dieser Rolle ({ $check })
admin-recovery-path-backup-factor = Ein anderer Faktor, den das Mitglied noch hat (selbst)
admin-recovery-path-backup-sms = Ein SMS-Code (selbst)
admin-recovery-path-recovery-codes = Ein gespeicherter Wiederherstellungscode (selbst)
admin-recovery-path-approval = Ein Zurücksetzungsantrag: von der Führungskraft genehmigt, vom Helpdesk ausgeführt
admin-recovery-path-two-admins = Ein Zurücksetzungsantrag: von einer Administratorin genehmigt, von einer anderen ausgeführt
admin-caller-check-none = keine (nur die Identitätsprüfung der Helpdesk-Kraft)
admin-caller-check-either = das Mitglied oder die Führungskraft bestätigt
admin-caller-check-user = das Mitglied bestätigt
admin-caller-check-manager = die Führungskraft bestätigt
admin-caller-check-both = das Mitglied und die Führungskraft bestätigen
admin-policy-no-request-path = Wiederherstellung: Kreuzen Sie mindestens eine Art von Zurücksetzungsantrag an oder wählen Sie die eingebauten Wege; ohne sie könnte sich ein Mitglied, das jeden Faktor verloren hat, nie wieder anmelden.
admin-policy-bad-caller-check = Anruferprüfung: Wählen Sie eine der aufgeführten Prüfungen.
admin-role-networks = Netze (eine Adresse oder ein CIDR pro Zeile, IPv4 oder IPv6)
admin-role-ip-allow = Erlaubte Netze (leer: überall)
admin-role-ip-deny = Abgewiesene Netze (haben Vorrang vor erlaubten)
admin-role-save-note = Wird als Ganzes gespeichert; eine Änderung, nach der Mitglieder einen Faktor bräuchten, den sie nicht haben, wird vorher bestätigt.
admin-role-save = Richtlinie speichern
admin-mfa-not-required = nicht verlangt
admin-mfa-required = verlangt
admin-mfa-required-from = { $grace ->
    [0] verlangt ab { $from }
   *[other] verlangt ab { $from } (+{ $grace } Tage Schonfrist)
}
admin-policy-field-grace = Schonfrist in Tagen
admin-policy-field-trusted = Tage als vertrauenswürdiger Browser
admin-policy-field-reauth-absolute = Erneut anmelden nach (Minuten)
admin-policy-field-reauth-idle = Erneut anmelden nach Inaktivität (Minuten)
admin-policy-field-recovery-delay = Wartezeit der Faktor-Zurücksetzung (Minuten)
admin-policy-field-acr-age-mfa = Mehrfaktor-Anmeldung gilt (Minuten)
admin-policy-field-acr-age-phr = Phishing-resistente Anmeldung gilt (Minuten)
admin-policy-field-acr-age-phrh = Hardwaregebundene Anmeldung gilt (Minuten)
admin-policy-field-ip-allow = Erlaubte Netze
admin-policy-field-ip-deny = Abgewiesene Netze
admin-policy-bad-count = { $field }: eine ganze Zahl von 0 bis { $max }.
admin-policy-bad-minutes = { $field }: eine ganze Zahl von 1 bis { $max }, oder leer für die Vorgabe des Servers.
admin-policy-too-many-networks = { $field }: höchstens { $max } Einträge.
admin-policy-bad-network = { $field }: { $detail }
admin-policy-no-kind = Zählende Faktoren: Kreuzen Sie mindestens eine Art an.
admin-policy-bad-date = Verlangt ab: ein Datum als JJJJ-MM-TT, oder leer für sofort.
admin-policy-changed = Die Richtlinie der Rolle { $role } wurde geändert.
admin-policy-unchanged = Die Richtlinie von { $role } war bereits so.
admin-tighten-title = Richtlinie von { $role } verschärfen?
admin-tighten-from-date = ab dem { $date }
admin-tighten-from-next = bei der nächsten Anmeldung
admin-tighten-more = { " " }und { $count } weitere
admin-tighten-lacking = { $count ->
    [one] { $count } Mitglied von { $role } hat keinen Faktor, der nach der neuen Richtlinie zählt ({ $names }): Es muss { $from } zuerst einen hinzufügen.
   *[other] { $count } Mitglieder von { $role } haben keinen Faktor, der nach der neuen Richtlinie zählt ({ $names }): Sie müssen { $from } zuerst einen hinzufügen.
}
admin-tighten-too-many = Die Rolle hat mehr als { $max } Mitglieder, zu viele, um jedes einzeln zu prüfen: Mitglieder ohne zählenden Faktor müssen { $from } einen hinzufügen.
admin-tighten-summary = Zählende Faktoren: { $kinds }; ein zweiter Faktor ist { $mfa }.
admin-tighten-button = Richtlinie verschärfen
admin-tighten-back = der Rolle { $role }

## Schlüssel und Zertifikate
admin-keys-title = Schlüssel und Zertifikate
admin-keys-oidc = OpenID-Connect-Signaturschlüssel
admin-keys-kid = Schlüssel-ID
admin-keys-algorithm = Algorithmus
admin-keys-signs-from = Signiert ab
admin-keys-retires = Außer Dienst ab
admin-keys-not-scheduled = nicht geplant
admin-keys-all = alle ({ $algorithms })
admin-keys-immediately = Sofort mit dem neuen Schlüssel signieren (nur wenn der aktuelle Schlüssel kompromittiert sein könnte); sonst in { $minutes } Minuten
admin-keys-rotate = Signaturschlüssel erneuern…
admin-keys-saml = SAML-Signaturzertifikate
admin-keys-leaves = Verlässt die Metadaten
admin-keys-valid-until = Zertifikat gültig bis
admin-keys-soon = bald
admin-keys-unreadable = nicht lesbar
admin-keys-activate-in = Signiert nach (Stunden, 0 bis { $max })
admin-keys-keep-previous = Alte bleiben in den Metadaten (Stunden danach)
admin-keys-cert-immediately = Sofort mit dem neuen Zertifikat signieren (nur wenn der aktuelle Schlüssel kompromittiert sein könnte)
admin-keys-rotate-cert = SAML-Zertifikat erneuern…
admin-keys-bad-algorithm = Algorithmus: Wählen Sie alle oder einen von { $algorithms }.
admin-rotate-key-title = OpenID-Connect-Signaturschlüssel erneuern?
admin-rotate-keys-title = OpenID-Connect-Signaturschlüssel erneuern?
admin-rotate-key-at-once = Ein neuer Signaturschlüssel für { $algorithms } wird sofort im Schlüsselsatz veröffentlicht und signiert sofort neue Tokens.
admin-rotate-key-later = Ein neuer Signaturschlüssel für { $algorithms } wird sofort im Schlüsselsatz veröffentlicht und signiert neue Tokens in { $minutes } Minuten, sobald die Caches der Relying Parties ihn kennen.
admin-rotate-key-old = Der ersetzte Schlüssel bleibt veröffentlicht, bis die damit signierten Tokens abgelaufen sind; sie funktionieren also weiter.
admin-rotate-key-risk = Relying Parties, die den Schlüsselsatz seither nicht abgerufen haben, können neue Tokens einige Minuten lang ablehnen: Signieren Sie nur sofort, wenn der aktuelle Schlüssel kompromittiert sein könnte.
admin-rotate-button = Erneuern
admin-rotate-back = den Schlüsseln
admin-rotated-key = { $kid } ({ $alg }, signiert ab { $from })
admin-rotated-keys = { $count ->
    [one] Der Signaturschlüssel { $keys } wurde hinzugefügt.
   *[other] Die Signaturschlüssel { $keys } wurden hinzugefügt.
}
admin-rotate-cert-bad-activate = Signiert nach: ganze Stunden von 0 bis { $max }.
admin-rotate-cert-bad-keep = Alte bleiben: ganze Stunden von 0 bis { $max }.
admin-rotate-cert-at-once = sofort
admin-rotate-cert-in-hours = in { $hours } Stunden
admin-rotate-cert-new = Ein neues Zertifikat erscheint sofort in den SAML-Metadaten und signiert Antworten { $signs }; Service Provider müssen die neuen Metadaten (oder das Zertifikat) vorher importieren.
admin-rotate-cert-old = Die ersetzten Zertifikate bleiben danach noch { $hours } Stunden in den Metadaten.
admin-rotate-cert-risk = Service Provider, die es nicht importiert haben, lehnen unsere Antworten ab, bis sie es tun: Signieren Sie nur sofort, wenn der aktuelle Schlüssel kompromittiert sein könnte.
admin-rotate-cert-title = SAML-Zertifikat erneuern?
admin-rotated-cert = Das SAML-Zertifikat { $id } (SHA-256 { $fingerprint }) wurde hinzugefügt und signiert ab { $from }.

## Hardware-Token
admin-tokens-none = Es wurde noch kein Hardware-Token importiert.
admin-tokens-no-more = Keine weiteren Token.
admin-tokens-serial = Seriennummer
admin-tokens-type = Typ
admin-tokens-digits = Stellen
admin-tokens-period = Intervall
admin-tokens-imported = Importiert
admin-tokens-bound-to = Gebunden an
admin-tokens-seconds = { $count } s
admin-tokens-counter = Zähler
admin-tokens-since = seit { $since }
admin-tokens-in-stock = auf Lager
admin-tokens-pages = Seiten der Tokenliste
admin-tokens-import-title = Seed-Datei importieren
admin-tokens-file = Seed-Datei des Herstellers (PSKC-XML mit Klartextwerten oder CSV; höchstens { $mib } MiB)
admin-tokens-content = Der Text der Datei (oder hier einfügen). CSV-Zeilen: serial,secret_base32,type,digits,period
admin-tokens-format = Format
admin-tokens-format-auto = erkennen (ein < am Anfang bedeutet PSKC)
admin-tokens-note = Alles oder nichts: Eine Datei mit einer bereits importierten Seriennummer wird ganz abgewiesen. Die Seeds werden versiegelt und nie wieder angezeigt.
admin-tokens-import = Token importieren
admin-tokens-too-large = Datei: größer als { $mib } MiB; teilen Sie sie auf.
admin-tokens-empty = Datei: Wählen Sie eine Seed-Datei oder fügen Sie sie ein.
admin-tokens-bad-format = Format: Wählen Sie erkennen, PSKC oder CSV.
admin-tokens-imported-notice = { $count ->
    [one] { $count } Hardware-Token importiert: Es ist auf Lager, bis eine Person es bindet.
   *[other] { $count } Hardware-Token importiert: Sie sind auf Lager, bis eine Person eines bindet.
}

## SAML-Service-Provider
admin-sps-heading = SAML-Service-Provider
admin-sps-none = Es ist kein Service Provider registriert.
admin-sps-name-id = NameID
admin-sps-endpoints = Anmelde-Endpunkte
admin-sps-lowest = Niedrigste Stufe
admin-sps-encrypted = Verschlüsselt
admin-sps-add-title = Service Provider aus seinen Metadaten hinzufügen
admin-sps-file = Metadatendatei (XML, höchstens { $kib } KiB)
admin-sps-metadata = Metadaten-XML (ein EntityDescriptor; oder hier einfügen)
admin-sps-sign-in = Anmeldung
admin-sps-sign-response = Die ganze Response signieren, nicht nur die Assertion
admin-sps-idp-initiated = Bei Gatehouse gestartete Anmeldung erlauben (IdP-initiiert)
admin-sps-who-legend = Wer sich anmelden darf (nichts angekreuzt: alle)
admin-sps-add = Service Provider hinzufügen
admin-sp-title = Service Provider
admin-sp-heading = Der Service Provider { $entity }
admin-sp-all = Alle Service Provider
admin-sp-entity-id = Entity-ID
admin-sp-name-id-format = NameID-Format
admin-sp-who = Wer sich anmelden darf
admin-sp-everyone = alle
admin-sp-min-level = Niedrigste Anmeldestufe
admin-sp-signed-requests = Signierte Anfragen
admin-sp-required = verlangt
admin-sp-not-required = nicht verlangt
admin-sp-assertions-wanted-signed = Assertions signiert gewünscht
admin-sp-assertions-signed = Assertions signiert
admin-sp-response-signed = , Response ebenfalls signiert
admin-sp-idp-initiated = IdP-initiierte Anmeldung
admin-sp-allowed = erlaubt
admin-sp-not-allowed = nicht erlaubt
admin-sp-encryption = Verschlüsselung
admin-sp-encrypted = Assertions verschlüsselt ({ $method })
admin-sp-acs = Anmelde-Endpunkte (aus den Metadaten)
admin-sp-index = Index
admin-sp-binding = Binding
admin-sp-location = Adresse
admin-sp-default = Standard
admin-sp-slo = Abmelde-Endpunkte
admin-sp-certificates = Zertifikate (die einzigen Schlüssel, mit denen seine Anfragen geprüft werden)
admin-sp-use = Verwendung
admin-sp-valid-until = Gültig bis
admin-sp-use-signing = Signatur
admin-sp-use-encryption = Verschlüsselung
admin-sp-change = Ändern
admin-sp-new-file = Neue Metadatendatei für dieselbe Entity-ID (optional)
admin-sp-new-metadata = Neues Metadaten-XML (leer: das Gelesene behalten)
admin-sp-save = Änderungen speichern
admin-sp-removal = Entfernen
admin-sp-remove = Service Provider entfernen…
admin-sp-encryption-method = Verschlüsselungsverfahren
admin-sp-encrypt = Assertions verschlüsseln (braucht ein Verschlüsselungszertifikat in den Metadaten)
admin-sp-attributes = Gesendete Attribute, eines pro Zeile: Name = username, email, name, roles oder static:WERT
admin-sp-attribute-no-equals = Attribute: Zeile { $line }: Schreiben Sie Name = Quelle
admin-sp-attribute-bad-source = Attribute: Zeile { $line }: Die Quelle ist username, email, name, roles oder static:WERT
admin-sp-too-large = Metadaten: größer als { $kib } KiB.
admin-sp-not-found = Es gibt keinen Service Provider { $entity }.
admin-sp-added = { $count ->
    [one] Der Service Provider { $entity } wurde hinzugefügt: { $count } Anmelde-Endpunkt aus seinen Metadaten gelesen.
   *[other] Der Service Provider { $entity } wurde hinzugefügt: { $count } Anmelde-Endpunkte aus seinen Metadaten gelesen.
}
admin-sp-changed = Der Service Provider { $entity } wurde geändert.
admin-sp-remove-title = Den Service Provider { $entity } entfernen?
admin-sp-remove-refused = Niemand kann sich mehr über Gatehouse bei ihm anmelden; seine Anfragen werden abgewiesen.
admin-sp-remove-again = Wird er erneut aus seinen Metadaten hinzugefügt, ist er wiederhergestellt; persistente NameIDs bleiben gleich, da sie aus der Person und der Entity-ID abgeleitet werden.
admin-sp-remove-button = Service Provider entfernen
admin-sp-back = dem Service Provider { $entity }
admin-sp-removed = Der Service Provider { $entity } wurde entfernt.

## Audit-Log
admin-audit-title = Audit-Log
admin-audit-user = Über Benutzer
admin-audit-actor = Durch (Benutzername, oder wie gespeichert: client:ci)
admin-audit-kind = Ereignis (user.created oder login.*)
admin-audit-any = alle
admin-audit-since = Seit (UTC, z. B. 2026-01-31 14:00)
admin-audit-until = Bis (UTC)
admin-audit-filter = Filtern
admin-audit-clear = Zurücksetzen
admin-audit-export = Alle Ereignisse dieses Filters exportieren:
admin-audit-export-jsonl = JSON Lines
admin-audit-export-csv = CSV
admin-audit-none = Kein Ereignis passt.
admin-audit-table = Audit-Ereignisse
admin-audit-about = Über
admin-audit-pages = Seiten der Ereignisliste
admin-audit-newest = Neueste Ereignisse
admin-audit-older = Ältere Ereignisse
admin-audit-bad-since = Seit: eine Zeit wie 2026-01-31 14:00 (UTC).
admin-audit-bad-until = Bis: eine Zeit wie 2026-01-31 14:00 (UTC).
admin-audit-bad-user = Über Benutzer: Diesen Benutzer gibt es nicht.
admin-audit-bad-actor = Durch: Diesen Benutzer gibt es nicht; geben Sie einen Akteur an, wie er gespeichert ist, z. B. client:ci.
admin-audit-bad-actor-long = Durch: höchstens 256 Zeichen.
admin-audit-bad-kind = Ereignis: eine Art wie user.created oder ein Präfix wie oidc.*.
admin-audit-bad-outcome = Ergebnis: Erfolg, Fehlschlag oder abgewiesen.
admin-audit-bad-format = Exportieren Sie als jsonl oder csv.

## Texte, die der Kern auf Englisch schreibt und die die Konsole zeigt (über ihren Text gefunden: `core-<slug>`)
core-only-an-administrator-may-act-on-an-administrator-s-account = Nur ein Administrator darf das Konto eines Administrators bearbeiten.
core-the-role-helpdesk-may-not-do-this = Die Rolle „helpdesk“ darf das nicht.
core-the-role-auditor-may-not-do-this = Die Rolle „auditor“ darf das nicht.
core-refusing-to-remove-the-role-admin-from-the-last-administrator = Dem letzten Administrator wird die Rolle „admin“ nicht entzogen.
core-manager-a-user-cannot-be-their-own-manager = Führungskraft: Niemand kann die eigene Führungskraft sein.
core-recovery-codes-are-a-backup-never-a-second-factor-on-their-own-allow-anothe = Wiederherstellungscodes sind nur eine Reserve, nie ein zweiter Faktor für sich: Erlauben Sie neben recovery_code eine weitere Art.
admin-signals-intro = Empfänger mit der Dienstrolle ssf erfahren von geänderten Anmeldedaten, beendeten Sitzungen und gesperrten Konten. Jeder verwaltet seinen Stream selbst; diese Seite zeigt, wie die Zustellung läuft.
admin-signals-none = Noch kein Empfänger hat einen Stream angelegt.
admin-signals-receiver = Empfänger
admin-signals-endpoint = Sendet an
admin-signals-status = Status
admin-signals-status-enabled = aktiv
admin-signals-status-paused = angehalten
admin-signals-status-disabled = abgeschaltet
admin-signals-backlog = Wartend
admin-signals-failed = Aufgegeben
admin-signals-last-error = Letzter Fehler
admin-signals-no-error = keiner
admin-signals-last-delivery = Letzte Zustellung
admin-signals-never = nie

## Passkey profile of a role.
admin-role-passkey = Sicherheitsschlüssel und Passkeys
admin-role-passkey-attested = Attestierung verlangen: nur Modelle, die die Vertrauensanker des Servers bestätigen
admin-role-passkey-aaguids = Erlaubte Modelle (AAGUIDs, eine pro Zeile; leer: jedes attestierte Modell)
admin-role-passkey-device-bound = Synchronisierte Passkeys ablehnen (nur gerätegebunden)
admin-role-passkey-uv = Benutzerprüfung verlangen (PIN oder Biometrie)
admin-role-passkey-note = Nur Schlüssel, die dies erfüllen, zählen als hardwaregebunden (phrh). Vor einer Änderung registrierte Schlüssel funktionieren weiter als zweiter Faktor; ihre Besitzer werden gebeten, sie neu zu registrieren.
admin-policy-bad-aaguid = Erlaubte Modelle: Jede Zeile muss eine AAGUID sein, etwa cb69481e-8ff7-4039-93ec-0a2729a154a8.
