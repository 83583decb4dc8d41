# Passwort vergessen: einen Link anfordern und damit ein neues Passwort wählen (auch das des ersten Administrators).
password-forgot-title = Passwort vergessen
password-forgot-heading = Passwort vergessen?
password-forgot-intro = Geben Sie Ihren Benutzernamen oder Ihre E-Mail-Adresse ein. Gehört sie zu einem Konto, senden wir Ihnen per E-Mail einen Link, mit dem Sie ein neues Passwort wählen können.
password-forgot-factors = Das ändert nur Ihr Passwort. Ihre zweiten Faktoren bleiben, wie sie sind; wenn Sie einen verloren haben, fragen Sie Ihren Helpdesk nach einem Zurücksetzen von Faktoren.
password-forgot-identifier = Benutzername oder E-Mail-Adresse
password-forgot-submit = Link senden
password-back-to-sign-in = Zurück zur Anmeldung
password-sent-title = Sehen Sie in Ihr E-Mail-Postfach
password-sent-body = Wenn der eingegebene Name oder die Adresse zu einem Konto gehört, ist ein Link zum Wählen eines neuen Passworts unterwegs. Der Link funktioniert einmal und läuft bald ab.
password-setup-title = Den Administrator einrichten
password-setup-welcome = Willkommen bei { $product }
password-setup-intro = Wählen Sie das Passwort für den ersten Administrator, { $username }.
password-reset-title = Neues Passwort wählen
password-reset-intro = Für das Konto { $username }. Danach werden alle Sitzungen dieses Kontos abgemeldet.
password-rules = Mindestens 8 Zeichen; lange Passphrasen sind am besten. Gängige oder leicht zu erratende Passwörter werden abgelehnt.
password-new = Neues Passwort
password-repeat = Wiederholen
password-set = Passwort festlegen
password-setup-done-title = Administrator bereit
password-setup-done-body = Der erste Administrator, { $username }, hat jetzt ein Passwort. Melden Sie sich damit an; wenn Administratoren einen zweiten Faktor haben müssen (das müssen sie, sofern die Richtlinie nicht geändert wurde), richten Sie ihn gleich danach ein.
password-done-title = Passwort geändert
password-done-body = Das Passwort von { $username } ist festgelegt. Alle früheren Sitzungen dieses Kontos wurden abgemeldet.
password-done-devices-revoked = { $count ->
    [one] Mit dem neuen Passwort wurde auch Ihr vertrauenswürdiger Browser widerrufen, damit ein gestohlenes Passwort mit einem alten Browser nicht genügt: Er fragt bei der nächsten Anmeldung nach Ihrem zweiten Faktor.
   *[other] Mit dem neuen Passwort wurden auch Ihre { $count } vertrauenswürdigen Browser widerrufen, damit ein gestohlenes Passwort mit einem alten Browser nicht genügt: Sie fragen bei der nächsten Anmeldung nach Ihrem zweiten Faktor.
}
password-sign-in = Anmelden

## Texte des Kerns, die diese Seiten zeigen
core-the-two-passwords-do-not-match = Die beiden Passwörter stimmen nicht überein.
core-a-password-needs-at-least-8-characters = Ein Passwort braucht mindestens 8 Zeichen.
core-a-password-may-have-at-most-128-characters = Ein Passwort darf höchstens 128 Zeichen haben.
core-this-password-is-too-easy-to-guess = Dieses Passwort ist zu leicht zu erraten.
core-this-link-is-invalid-has-expired-or-has-already-been-used = Dieser Link ist ungültig, abgelaufen oder wurde bereits verwendet.
