# Anmeldung: Passwortseite (und „Bestätigen Sie, dass Sie es sind“), zweiter Schritt (und Step-up), Ablehnung
# durch Netzwerkregeln, und die Fehler, die diese Seiten zeigen.

## Die Passwortseite
login-title = Anmelden
login-confirm-title = Bestätigen Sie, dass Sie es sind
login-confirm-prompt = Bestätigen Sie, dass Sie es sind: Geben Sie Ihr Passwort erneut ein, um fortzufahren.
login-signed-in-as = Angemeldet als
login-username = Benutzername oder E-Mail-Adresse
login-password = Passwort
login-submit = Anmelden
login-forgot = Passwort vergessen?
login-cancel = Abbrechen
login-passkey = Mit einem Passkey anmelden
login-passkey-confirm = Mit einem Passkey bestätigen

## Durch Netzwerkregeln abgelehnt
login-ip-denied-title = Anmeldung von hier nicht erlaubt
login-ip-denied-recorded = Der Versuch wurde protokolliert.
login-back = Zurück zur Anmeldung

## Der zweite Schritt
login-factor-title = Zweiter Schritt
login-factor-signing-in = Anmeldung als { $username }.
login-stepup-title = Mit einer weiteren Methode bestätigen
login-stepup-intro = Die Anwendung verlangt eine stärkere Anmeldung. Angemeldet als { $username }: Bestätigen Sie mit einer weiteren Methode, um fortzufahren.
login-factor-webauthn-intro = Verwenden Sie Ihren Sicherheitsschlüssel oder Passkey.
login-factor-webauthn-button = Sicherheitsschlüssel oder Passkey verwenden
login-factor-trust = { $days ->
    [one] Diesem Browser { $days } Tag lang vertrauen
   *[other] Diesem Browser { $days } Tage lang vertrauen
}
login-factor-trust-hint = Ihr Passwort geben Sie hier weiterhin ein; nur dieser Schritt entfällt. Setzen Sie das Häkchen nicht an einem gemeinsam genutzten Computer.
login-factor-sms-sent = Wir haben einen Code an { $phone } gesendet. Er ist 5 Minuten gültig.
login-factor-sms-offer = Wir können Ihnen einen Code per SMS an { $phone } senden.
login-factor-sms-resend = Neuen Code senden
login-factor-sms-send = Code per SMS senden
login-factor-code-totp = Code aus Ihrer Authenticator-App
login-factor-code-token = Code von Ihrem Hardware-Token
login-factor-code-sms = Code aus der SMS
login-factor-code-recovery = Einer Ihrer Wiederherstellungscodes
login-factor-recovery-hint = Jeder Wiederherstellungscode funktioniert einmal. Fügen Sie nach der Anmeldung am besten einen neuen Faktor hinzu.
login-factor-continue = Weiter
login-factor-other-methods = Eine andere Methode verwenden:
login-method-webauthn = Sicherheitsschlüssel oder Passkey
login-method-totp = Authenticator-App
login-method-oath-token = Hardware-Token
login-method-sms = SMS
login-method-recovery-code = Wiederherstellungscode
login-factor-lost-summary = Ich kann keinen meiner Faktoren verwenden
login-factor-way-backup-factor = Melden Sie sich mit einem anderen Ihrer Faktoren an (oben auswählen) und ersetzen Sie dann den verlorenen auf Ihrer Sicherheitsseite.
login-factor-way-backup-sms = Melden Sie sich mit einem Code an, der an Ihr Telefon geschickt wird (oben SMS auswählen), und ersetzen Sie dann den verlorenen Faktor auf Ihrer Sicherheitsseite.
login-factor-way-recovery-codes = Melden Sie sich mit einem Ihrer gespeicherten Wiederherstellungscodes an (oben auswählen) und ersetzen Sie dann den verlorenen Faktor auf Ihrer Sicherheitsseite.
login-factor-way-approval = Beantragen Sie unten ein Zurücksetzen: Ihre Führungskraft genehmigt es, der Helpdesk prüft Ihre Identität, und nach einer Wartezeit richten Sie einen neuen Faktor ein. Ihr Passwort bleibt, wie es ist.
login-factor-way-two-admins = Beantragen Sie unten ein Zurücksetzen: Eine Administratorin oder ein Administrator genehmigt es, eine zweite Person aus der Administration prüft Ihre Identität und führt es aus, und nach einer Wartezeit richten Sie einen neuen Faktor ein. Ihr Passwort bleibt, wie es ist.
login-factor-lost-reason = Was ist passiert?
login-factor-lost-submit = Zurücksetzen von Faktoren beantragen
login-factor-start-over = Von vorn beginnen
login-factor-none = Für dieses Konto ist kein zweiter Faktor eingerichtet.
login-factor-level-unreachable = Keine Anmeldemethode dieses Kontos erreicht die Stufe, die die Anwendung verlangt.
login-factor-unknown-method = Unbekannte Anmeldemethode.
login-factor-no-phone = Für dieses Konto ist kein Telefon eingerichtet.

## Sicherheitsschlüssel und Passkeys (Antworten an das Seitenskript)
login-webauthn-send-json = Senden Sie application/json.
login-webauthn-malformed = Die Anfrage ist fehlerhaft.
login-webauthn-needs-domain = Sicherheitsschlüssel setzen voraus, dass { $product } über einen Domainnamen erreichbar ist (public_url).
login-webauthn-sign-in-first = Melden Sie sich zuerst an.
login-webauthn-start-again = Beginnen Sie die Anmeldung mit dem Passkey erneut.

## Texte des Kerns, die diese Seiten zeigen
core-invalid-username-or-password = Benutzername oder Passwort ist falsch.
core-this-account-is-disabled-contact-your-administrator = Dieses Konto ist deaktiviert. Wenden Sie sich an Ihren Administrator.
core-signing-in-is-not-allowed-from-your-network-ask-your-administrator-if-you-n = Die Anmeldung ist aus Ihrem Netzwerk nicht erlaubt. Fragen Sie Ihren Administrator, wenn Sie von hier aus Zugriff benötigen.
core-that-code-is-not-right = Dieser Code ist nicht richtig.
core-that-code-was-already-used-wait-for-the-next-code = Dieser Code wurde bereits verwendet. Warten Sie auf den nächsten Code.
core-that-recovery-code-was-already-used = Dieser Wiederherstellungscode wurde bereits verwendet.
core-the-security-key-or-passkey-was-not-accepted = Der Sicherheitsschlüssel oder Passkey wurde nicht akzeptiert.
core-your-account-s-policy-does-not-accept-this-sign-in-method-use-one-of-the-me = Die Richtlinie Ihres Kontos akzeptiert diese Anmeldemethode nicht. Verwenden Sie eine der angebotenen Methoden.
core-there-is-no-sign-in-waiting-for-a-second-factor = Es wartet keine Anmeldung auf einen zweiten Faktor.
core-that-method-is-not-set-up-for-this-account = Diese Methode ist für dieses Konto nicht eingerichtet.
core-use-the-security-key-button-for-this-method = Verwenden Sie für diese Methode die Schaltfläche für den Sicherheitsschlüssel.
core-this-sign-in-was-already-completed = Diese Anmeldung wurde bereits abgeschlossen.
core-that-passkey-was-not-accepted-sign-in-with-your-password-instead = Dieser Passkey wurde nicht akzeptiert. Melden Sie sich stattdessen mit Ihrem Passwort an.
core-your-account-s-policy-does-not-accept-passkey-sign-in-sign-in-with-your-pas = Die Richtlinie Ihres Kontos akzeptiert keine Anmeldung mit Passkey. Melden Sie sich mit Ihrem Passwort an.
core-this-sign-in-step-does-not-apply-now-sign-in-again = Dieser Anmeldeschritt ist jetzt nicht möglich. Melden Sie sich erneut an.
core-sign-in-with-your-password-first = Melden Sie sich zuerst mit Ihrem Passwort an.
core-your-account-s-policy-does-not-accept-approval-from-another-browser-use-one = Die Richtlinie Ihres Kontos akzeptiert keine Bestätigung aus einem anderen Browser. Verwenden Sie eine der angebotenen Methoden.
core-none-of-your-browsers-is-signed-in-with-a-security-key-or-passkey-to-approv = Keiner Ihrer Browser ist mit einem Sicherheitsschlüssel oder Passkey angemeldet, um diese Anmeldung zu bestätigen.
core-approval-requests-are-paused-after-several-went-unanswered-use-another-meth = Bestätigungsanfragen sind pausiert, weil mehrere unbeantwortet blieben. Verwenden Sie eine andere Methode.
core-too-many-approval-requests-in-the-last-hour-use-another-method-or-wait = Zu viele Bestätigungsanfragen in der letzten Stunde. Verwenden Sie eine andere Methode oder warten Sie.

## Anmeldung von einem anderen Browser bestätigen (login/approval.html und das Angebot auf login/second_factor.html)
login-approval-offer = In einem anderen Browser mit Sicherheitsschlüssel oder Passkey angemeldet? Bestätigen Sie diese Anmeldung dort.
login-approval-offer-button = In einem anderen Browser bestätigen
login-approval-title = Bestätigen Sie diese Anmeldung in Ihrem anderen Browser
login-approval-intro = Öffnen Sie in einem Browser, in dem Sie angemeldet sind, Ihr Konto und wählen Sie „Eine Anmeldung bestätigen“. Wählen Sie dort diese Zahl:
login-approval-number-label = Die zu wählende Zahl: { $number }
login-approval-wait = Diese Seite geht von selbst weiter, sobald Sie geantwortet haben. Die Anfrage endet nach zwei Minuten.
login-approval-continue = Weiter
login-approval-other-method = Stattdessen eine andere Methode verwenden
login-approval-refused = Die Anmeldung wurde in Ihrem anderen Browser abgelehnt. Wenn Sie das nicht waren, ändern Sie jetzt Ihr Passwort: Jemand kennt es.
login-approval-expired = Niemand hat rechtzeitig geantwortet. Fragen Sie erneut, oder verwenden Sie eine andere Methode.
