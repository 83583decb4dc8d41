# SMS. $product ist der Produktname; Datumsangaben kommen bereits deutsch geschrieben an.
sms-code = { $minutes ->
    [one] Ihr Code für { $product } lautet { $code }. Er ist { $minutes } Minute gültig. Geben Sie ihn niemandem weiter: Wir fragen nie danach.
   *[other] Ihr Code für { $product } lautet { $code }. Er ist { $minutes } Minuten gültig. Geben Sie ihn niemandem weiter: Wir fragen nie danach.
}
sms-sign-in-phone-changed = { $product }: Anmeldecodes für Ihr Konto { $username } gehen jetzt an { $new_phone } und nicht mehr an diese Nummer. Waren Sie das nicht? Wenden Sie sich sofort an Ihren Helpdesk.
sms-phone-changed = { $product }: Die Telefonnummer Ihres Kontos { $username } wurde in { $new_phone } geändert. Waren Sie das nicht? Wenden Sie sich sofort an Ihren Helpdesk.
sms-phone-removed = { $product }: Die Telefonnummer Ihres Kontos { $username } wurde entfernt. Waren Sie das nicht? Wenden Sie sich sofort an Ihren Helpdesk.
sms-recovery-opened = { $product }: Für Ihr Konto { $username } wurde das Zurücksetzen der zweiten Faktoren beantragt. Waren Sie das nicht? Wenden Sie sich sofort an Ihren Helpdesk.
sms-factor-removed = { $product }: Der Faktor „{ $factor }“ wurde aus Ihrem Konto { $username } entfernt. Waren Sie das nicht? Wenden Sie sich sofort an Ihren Helpdesk.
sms-recovery-pending = { $product }: Ihre zweiten Faktoren werden am { $until } zurückgesetzt. Waren Sie das nicht? Abbrechen: { $link }
sms-caller-verify = { $product }: Der Helpdesk prüft, ob Sie am Telefon sind. Wählen Sie binnen { $minutes } Min. die vorgelesene Zahl: { $link }
sms-caller-verify-warning = { $product }: Der Helpdesk wollte Sie verifizieren, um Ihre Anmeldefaktoren zurückzusetzen, und die Prüfung ist fehlgeschlagen. Nicht Sie? Wenden Sie sich sofort an Ihr Sicherheitsteam.
sms-recovery-done = { $product }: Die zweiten Faktoren Ihres Kontos { $username } wurden zurückgesetzt. Richten Sie mit dem Link aus unserer E-Mail einen neuen ein. Waren Sie das nicht? Wenden Sie sich sofort an Ihr Sicherheitsteam.
sms-recovery-pass-issued = { $product }: Der Helpdesk hat einen temporären Zugangspass für Ihr Konto ausgegeben, um einen neuen Anmeldefaktor einzurichten. Waren Sie das nicht? Wenden Sie sich sofort an Ihr Sicherheitsteam.
sms-recovery-pass-used = { $product }: Mit einem temporären Zugangspass wurde gerade Ihr Konto angemeldet, um einen neuen Faktor einzurichten. Waren Sie das nicht? Wenden Sie sich sofort an Ihr Sicherheitsteam.
