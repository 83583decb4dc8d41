# E-Mails (templates/email/). Nach der Anrede („Guten Tag …,“) geht es klein weiter.
# $product ist der Produktname; Datumsangaben kommen bereits deutsch geschrieben an.

## Gemeinsam
email-hello = Guten Tag { $name },
email-when = am { $at }
email-when-from = am { $at }, von { $ip }
email-not-you = Falls Sie das nicht waren, wenden Sie sich bitte sofort an Ihren Helpdesk.
email-not-asked = Falls Sie das nicht veranlasst haben, wenden Sie sich bitte sofort an Ihren Helpdesk.
email-or = oder
email-factor-kind = { $kind ->
    [webauthn] Sicherheitsschlüssel oder Passkey
    [totp] Authenticator-App
    [sms] SMS
    [oath_token] Hardware-Token
    [recovery_code] Wiederherstellungscode
   *[other] { $kind }
}

## code_reused
email-code-reused-subject = Ein bereits verwendeter Anmeldecode wurde für Ihr Konto bei { $product } erneut eingegeben
email-code-reused-body = jemand hat für Ihr Konto „{ $username }“ einen Code eingegeben, der bereits verwendet worden war. Falls Sie das waren, ist alles in Ordnung: Warten Sie auf den nächsten Code. Falls nicht, kann jemand Ihre Codes mitlesen: Ändern Sie Ihr Passwort und richten Sie Ihre Authenticator-App neu ein.

## email_changed
email-email-changed-subject = Die E-Mail-Adresse Ihres Kontos wurde geändert
email-email-changed-body = die E-Mail-Adresse Ihres Kontos „{ $username }“ wurde in { $new_email } geändert ({ $when }). Hinweise und Links zum Zurücksetzen des Passworts gehen ab jetzt dorthin; dies ist die letzte E-Mail an diese Adresse.

## factor_added
email-factor-added-subject = Ihrem Konto bei { $product } wurde ein Anmeldefaktor hinzugefügt
email-factor-added-body = „{ $factor }“ wurde zu den Anmeldefaktoren Ihres Kontos „{ $username }“ hinzugefügt.
email-factor-added-body-ip = „{ $factor }“ wurde zu den Anmeldefaktoren Ihres Kontos „{ $username }“ hinzugefügt (von { $ip }).
email-factor-added-warning = Falls Sie das nicht waren, wenden Sie sich bitte sofort an Ihren Helpdesk: Jemand kennt möglicherweise Ihr Passwort.

## factor_locked
email-factor-locked-subject = Anmeldefaktor nach wiederholt falschen Codes gesperrt
email-factor-locked-body = nach wiederholt falschen Codes ist der Faktor „{ $kind }“ Ihres Kontos „{ $username }“ bis zum { $until } gesperrt.
email-factor-locked-body-ip = nach wiederholt falschen Codes ist der Faktor „{ $kind }“ Ihres Kontos „{ $username }“ bis zum { $until } gesperrt (letzter Versuch von { $ip }).
email-factor-locked-advice = Wer es versucht hat, kannte Ihr Passwort. Ändern Sie es jetzt, und richten Sie Ihre Authenticator-App am besten neu ein.

## factor_locked_admin
email-factor-locked-admin-subject = [{ $product }] Der zweite Faktor eines Benutzers wurde gesperrt
email-factor-locked-admin-body = Der Faktor „{ $kind }“ von „{ $username }“ wurde nach wiederholt falschen Codes bis zum { $until } gesperrt.
email-factor-locked-admin-body-ip = Der Faktor „{ $kind }“ von „{ $username }“ wurde nach wiederholt falschen Codes bis zum { $until } gesperrt, zuletzt von { $ip }.
email-factor-locked-admin-why = Das Passwort war jedes Mal richtig: Wahrscheinlich kennt jemand anderes das Passwort dieses Kontos.
email-admin-audit = Einzelheiten im Audit-Log:

## factor_removed
email-factor-removed-subject = Aus Ihrem Konto bei { $product } wurde ein Anmeldefaktor entfernt
email-factor-removed-body = „{ $factor }“ wurde aus den Anmeldefaktoren Ihres Kontos „{ $username }“ entfernt.
email-factor-removed-body-ip = „{ $factor }“ wurde aus den Anmeldefaktoren Ihres Kontos „{ $username }“ entfernt (von { $ip }).

## mfa_reminder
email-mfa-reminder-subject = Fügen Sie Ihrem Konto bei { $product } einen zweiten Faktor hinzu
email-mfa-reminder-needs = Ihr Konto „{ $username }“ benötigt einen zweiten Faktor:
email-mfa-reminder-kind = { $kind ->
    [webauthn] einen Sicherheitsschlüssel oder Passkey
    [totp] eine Authenticator-App
    [oath_token] einen Hardware-Token
    [sms] ein Telefon für SMS
   *[other] { $kind }
}
email-mfa-reminder-deadline = Das gilt ab dem { $enforce_from }. Richten Sie ihn vor dem { $enrol_by } ein: Ab diesem Tag können Sie bei der Anmeldung nur noch einen zweiten Faktor einrichten.
email-mfa-reminder-how = Melden Sie sich an, und öffnen Sie auf Ihrer Kontoseite „Anmeldesicherheit“, um einen hinzuzufügen. (Diese Erinnerung wird höchstens einmal am Tag verschickt.)

## passkey_flagged
email-passkey-flagged-subject = Ihr Sicherheitsschlüssel oder Passkey wurde gesperrt
email-passkey-flagged-body = Ihr Sicherheitsschlüssel oder Passkey „{ $factor }“ hat soeben mit einem Signaturzähler geantwortet, der niedriger ist als ein zuvor gesendeter. Das geschieht, wenn eine Kopie davon existiert; deshalb ist er gesperrt und wird nicht mehr akzeptiert.
email-passkey-flagged-body-ip = Ihr Sicherheitsschlüssel oder Passkey „{ $factor }“ hat soeben mit einem Signaturzähler geantwortet, der niedriger ist als ein zuvor gesendeter (der Versuch kam von { $ip }). Das geschieht, wenn eine Kopie davon existiert; deshalb ist er gesperrt und wird nicht mehr akzeptiert.
email-passkey-flagged-advice = Wenn Sie nur einen solchen Schlüssel haben: Melden Sie sich mit einem anderen Faktor an, entfernen Sie „{ $factor }“ auf der Sicherheitsseite Ihres Kontos, und registrieren Sie ihn erneut. Wenn Sie sich nicht anmelden können, wenden Sie sich an einen Administrator. Falls Sie sich nicht gerade selbst angemeldet haben, besitzt möglicherweise jemand eine Kopie Ihres Schlüssels und kennt Ihr Passwort: Ändern Sie es.

## password_locked
email-password-locked-subject = Ihr Passwort wurde gesperrt
email-password-locked-body = nach { $failures } falschen Passwörtern in Folge für Ihr Konto „{ $username }“ (das letzte { $when }) funktioniert das Passwort nicht mehr, auch wenn es richtig eingegeben wird.
email-password-locked-advice = Falls diese Versuche nicht von Ihnen stammen, versucht jemand, Ihr Passwort zu erraten. Um sich wieder anzumelden, wählen Sie auf der Anmeldeseite „Passwort vergessen?“ und legen über den Link, den wir Ihnen per E-Mail senden, ein neues Passwort fest – oder bitten Sie einen Administrator, es zu entsperren.

## password_locked_admin
email-password-locked-admin-subject = [{ $product }] Ein Passwort wurde gesperrt
email-password-locked-admin-body = Das Passwort von „{ $username }“ wurde nach { $failures } falschen Versuchen in Folge gesperrt (der letzte { $when }).
email-password-locked-admin-unlock = Der Benutzer wurde benachrichtigt. Das Passwort bleibt gesperrt, bis der Benutzer es per E-Mail zurücksetzt oder ein Administrator Folgendes ausführt:
email-password-locked-admin-audit = Prüfen Sie vor dem Entsperren das Audit-Log:

## password_reset
email-password-reset-subject = Passwort für { $product } zurücksetzen
email-password-reset-body = jemand (hoffentlich Sie) hat angefordert, das Passwort Ihres Kontos „{ $username }“ bei { $product } zurückzusetzen.
email-password-reset-link = { $minutes ->
    [one] Um ein neues Passwort zu wählen, öffnen Sie diesen Link innerhalb von { $minutes } Minute. Er funktioniert nur einmal:
   *[other] Um ein neues Passwort zu wählen, öffnen Sie diesen Link innerhalb von { $minutes } Minuten. Er funktioniert nur einmal:
}
email-password-reset-ignore = Falls Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.
email-password-reset-factors = Das Zurücksetzen des Passworts ändert nichts an Ihren zweiten Faktoren.

## phone_changed
email-phone-changed-subject = Die Telefonnummer Ihres Kontos wurde geändert
email-phone-changed-body = die Telefonnummer Ihres Kontos „{ $username }“ wurde in { $new_phone } geändert ({ $when }).
email-phone-changed-body-removed = die Telefonnummer Ihres Kontos „{ $username }“ wurde entfernt ({ $when }).
email-phone-changed-trust = Vertrauenswürdige Browser fragen bei Ihrer nächsten Anmeldung wieder nach dem zweiten Faktor. Die Nummern Ihrer SMS-Anmeldefaktoren bleiben unverändert.

## recovery_approval
email-recovery-approval-subject = Zurücksetzen der zweiten Faktoren von { $subject } genehmigen oder ablehnen
email-recovery-approval-body = für { $subject } ({ $subject_username }) wurde das Zurücksetzen der Anmeldefaktoren angefordert. Als Führungskraft werden Sie gebeten, es zu genehmigen oder abzulehnen.
email-recovery-approval-body-delegate = für { $subject } ({ $subject_username }) wurde das Zurücksetzen der Anmeldefaktoren angefordert. { $manager } ist abwesend und hat Sie als Vertretung benannt: Sie werden gebeten, es zu genehmigen oder abzulehnen.
email-recovery-approval-body-chain = für { $subject } ({ $subject_username }) wurde das Zurücksetzen der Anmeldefaktoren angefordert. Niemand zwischen Ihnen und der Person in der Kette der Führungskräfte kann entscheiden (ausgeschieden, oder abwesend ohne Vertretung), deshalb werden Sie gebeten, es zu genehmigen oder abzulehnen.
email-recovery-approval-body-role = für { $subject } ({ $subject_username }) wurde das Zurücksetzen der Anmeldefaktoren angefordert. Niemand in der Kette der Führungskräfte kann entscheiden, deshalb werden die Mitglieder der Rolle { $role } gebeten, es zu genehmigen oder abzulehnen; die erste Entscheidung gilt.
email-recovery-approval-reason = Angegebener Grund: { $reason }
email-recovery-approval-review = Anfrage prüfen
email-recovery-approval-review-terms = { $hours ->
    [one] (Anmeldung erforderlich; { $hours } Stunde und nur einmal gültig).
   *[other] (Anmeldung erforderlich; { $hours } Stunden und nur einmal gültig).
}
email-recovery-approval-open = { $hours ->
    [one] Öffnen Sie diesen Link, melden Sie sich an, prüfen Sie die Angaben, und entscheiden Sie ({ $hours } Stunde und nur einmal gültig):
   *[other] Öffnen Sie diesen Link, melden Sie sich an, prüfen Sie die Angaben, und entscheiden Sie ({ $hours } Stunden und nur einmal gültig):
}
email-recovery-approval-warning = Falls Sie das nicht erwartet haben, lehnen Sie ab: Möglicherweise versucht jemand, das Konto zu übernehmen.

## recovery_code_used
email-recovery-code-used-subject = Ihr Konto bei { $product }: Anmeldung mit einem Wiederherstellungscode
email-recovery-code-used-body = { $remaining ->
    [one] soeben hat sich jemand mit einem Wiederherstellungscode bei Ihrem Konto „{ $username }“ angemeldet. Es bleibt { $remaining } unbenutzter Code.
   *[other] soeben hat sich jemand mit einem Wiederherstellungscode bei Ihrem Konto „{ $username }“ angemeldet. Es bleiben { $remaining } unbenutzte Codes.
}
email-recovery-code-used-advice = Falls Sie Ihre Authenticator-App verloren haben, fügen Sie auf der Sicherheitsseite Ihres Kontos eine neue hinzu, und erstellen Sie neue Wiederherstellungscodes.

## recovery_done
email-recovery-done-subject = Ihre Anmeldefaktoren bei { $product } wurden zurückgesetzt – richten Sie einen neuen ein
email-recovery-done-body = die Anmeldefaktoren Ihres Kontos „{ $username }“ wurden zurückgesetzt, und alle Sitzungen wurden beendet.
email-recovery-done-enrol = Richten Sie einen neuen Faktor ein
email-recovery-done-enrol-terms = { $hours ->
    [one] – mit diesem Link und Ihrem Passwort ({ $hours } Stunde und nur einmal gültig).
   *[other] – mit diesem Link und Ihrem Passwort ({ $hours } Stunden und nur einmal gültig).
}
email-recovery-done-enrol-text = { $hours ->
    [one] Richten Sie mit diesem Link und Ihrem Passwort einen neuen Faktor ein ({ $hours } Stunde und nur einmal gültig):
   *[other] Richten Sie mit diesem Link und Ihrem Passwort einen neuen Faktor ein ({ $hours } Stunden und nur einmal gültig):
}

## recovery_opened
email-recovery-opened-subject = Zurücksetzen Ihrer Anmeldefaktoren bei { $product } angefordert
email-recovery-opened-body-self = für Ihr Konto „{ $username }“ wurde nach Eingabe Ihres Passworts das Zurücksetzen der Anmeldefaktoren angefordert. Ihre Führungskraft wird um Genehmigung gebeten; bevor Sie erneut benachrichtigt werden, ändert sich nichts.
email-recovery-opened-body-helpdesk = für Ihr Konto „{ $username }“ hat der Helpdesk in Ihrem Namen das Zurücksetzen der Anmeldefaktoren angefordert. Ihre Führungskraft wird um Genehmigung gebeten; bevor Sie erneut benachrichtigt werden, ändert sich nichts.
email-recovery-opened-not-you-self = Falls Sie das nicht waren, wenden Sie sich bitte sofort an Ihren Helpdesk, und ändern Sie Ihr Passwort: Jemand kennt es.

## recovery_pending
email-recovery-pending-subject = Ihre Anmeldefaktoren bei { $product } werden zurückgesetzt – brechen Sie ab, falls Sie das nicht waren
email-recovery-pending-body = das Zurücksetzen der Anmeldefaktoren Ihres Kontos „{ $username }“ wurde vom Helpdesk genehmigt und ausgeführt. Es wird { $when } wirksam.
email-recovery-pending-if-not-you = Falls Sie das nicht waren,
email-recovery-pending-cancel = brechen Sie es jetzt ab
email-recovery-pending-cancel-terms = (der Link funktioniert nur einmal), und wenden Sie sich dann an Ihren Helpdesk: Jemand kennt möglicherweise Ihr Passwort.
email-recovery-pending-cancel-text = Falls Sie das nicht waren, brechen Sie es jetzt ab (der Link funktioniert nur einmal):
email-recovery-pending-then = Wenden Sie sich dann an Ihren Helpdesk: Jemand kennt möglicherweise Ihr Passwort.

## sign_in_phone_changed
email-sign-in-phone-changed-subject = Ihre Anmeldecodes gehen jetzt an eine andere Telefonnummer
email-sign-in-phone-changed-body = die Anmeldecodes Ihres Kontos „{ $username }“ gehen jetzt an { $new_phone } und nicht mehr an { $old_phone } ({ $when }). Die neue Nummer wurde mit einem an sie gesendeten Code bestätigt. Vertrauenswürdige Browser fragen bei Ihrer nächsten Anmeldung wieder nach dem zweiten Faktor.
email-sign-in-phone-changed-warning = Falls Sie das nicht waren, wenden Sie sich bitte sofort an Ihren Helpdesk: Jemand, der Ihr Passwort kennt, hat möglicherweise Ihre Anmeldecodes übernommen.

## An account provisioned by the organisation's HR system or directory, without a password yet.
email-invitation-subject = Ihr Konto bei { $product } ist bereit
email-invitation-body = Ihre Organisation hat für Sie das Konto „{ $username }“ bei { $product } eingerichtet.
email-invitation-link = { $days ->
    [one] Wählen Sie Ihr Passwort innerhalb eines Tages über diesen Link; er funktioniert einmal:
   *[other] Wählen Sie Ihr Passwort innerhalb von { $days } Tagen über diesen Link; er funktioniert einmal:
}
email-invitation-next = Melden Sie sich danach an: Sie werden gebeten, die zweiten Faktoren einzurichten, die Ihre Rolle verlangt.
email-invitation-ignore = Falls Sie dieses Konto nicht erwartet haben, wenden Sie sich an Ihre IT-Abteilung; niemand kann sich anmelden, bevor ein Passwort gewählt ist.
email-recovery-pass-issued-subject = Der Helpdesk hat einen befristeten Zugangscode für Ihr Konto bei { $product } ausgestellt
email-recovery-pass-issued-body = beim Ausführen des genehmigten Zurücksetzens der Anmeldefaktoren Ihres Kontos „{ $username }“ hat ein Helpdesk-Mitarbeiter einen befristeten Zugangscode ausgestellt. Sobald das Zurücksetzen wirksam ist, öffnen der Code und Ihr Passwort die Seite zum Einrichten eines neuen Faktors – einmal, für begrenzte Zeit – und sonst nichts.
email-recovery-pass-used-subject = Ihr befristeter Zugangscode für { $product } wurde verwendet
email-recovery-pass-used-body = der befristete Zugangscode Ihres Kontos „{ $username }“ wurde zusammen mit Ihrem Passwort verwendet, um einen neuen Anmeldefaktor einzurichten. Er ist nun ungültig.

# Anruferprüfung (Issue #17): der Link der Rückfrage und die Warnung, wenn eine Rückfrage schiefging.
email-caller-verify-user-subject = { $product }: Der Helpdesk prüft, ob Sie am Telefon sind
email-caller-verify-manager-subject = { $product }: Spricht { $name } gerade mit dem Helpdesk?
email-caller-verify-user-body = Jemand vom Helpdesk prüft, ob er gerade mit Ihnen spricht, bevor er Ihre Anmeldefaktoren zurücksetzt. Öffnen Sie den Link und wählen Sie die Zahl, die Ihnen die Mitarbeiterin oder der Mitarbeiter vorliest.
email-caller-verify-manager-body = Der Helpdesk will die Anmeldefaktoren von { $name } zurücksetzen und bittet Sie zu bestätigen, dass { $name } gerade mit ihm telefoniert. Melden Sie sich an, fragen Sie { $name } nach der Zahl, die der Helpdesk vorgelesen hat, und wählen Sie sie.
email-caller-verify-open = Öffnen Sie diesen Link innerhalb von { $minutes } Minuten (er funktioniert einmal):
email-caller-verify-link = Dem Helpdesk antworten
email-caller-verify-link-terms = (innerhalb von { $minutes } Minuten; der Link funktioniert einmal)
email-caller-verify-user-not-you = Wenn Sie gerade nicht mit dem Helpdesk sprechen, öffnen Sie den Link und wählen Sie „Ich spreche nicht mit dem Helpdesk“: Jemand versucht möglicherweise, Ihr Konto zu übernehmen.
email-caller-verify-manager-not-now = Wenn { $name } gerade nicht mit dem Helpdesk telefoniert, öffnen Sie den Link und antworten Sie „Nein“.
email-caller-verify-warning-subject = { $product }: Der Helpdesk wollte Sie verifizieren – waren Sie das?
email-caller-verify-warning-failed = Jemand vom Helpdesk wollte prüfen, ob er mit Ihnen spricht (Konto „{ $username }“), um Ihre Anmeldefaktoren zurückzusetzen, und die Prüfung ist fehlgeschlagen.
email-caller-verify-warning-timed-out = Jemand vom Helpdesk wollte prüfen, ob er mit Ihnen spricht (Konto „{ $username }“), um Ihre Anmeldefaktoren zurückzusetzen, und niemand hat rechtzeitig geantwortet.
email-caller-verify-warning-not-you = Wenn Sie nicht am Telefon waren, wenden Sie sich sofort an Ihr Sicherheitsteam oder den Helpdesk und sagen Sie, dass dieser Antrag nicht von Ihnen stammt: Jemand kennt möglicherweise Ihr Passwort.

## sign_in_approval_refused
email-sign-in-approval-refused-subject = Eine Anmeldung bei Ihrem Konto bei { $product } wurde abgelehnt
email-sign-in-approval-refused-body = eine Anmeldung bei Ihrem Konto „{ $username }“ von { $browser } unter { $ip } hat um Bestätigung in einem Ihrer anderen Browser gebeten und wurde dort abgelehnt.
email-sign-in-approval-refused-mismatch = Die gewählte Zahl war nicht die, die der sich anmeldende Browser zeigte.
email-sign-in-approval-refused-warning = Wer diese Anmeldung begonnen hat, kannte Ihr Passwort. Wenn Sie das nicht waren, ändern Sie jetzt Ihr Passwort.

## sign_in_approvals_paused
email-sign-in-approvals-paused-subject = Bestätigungsanfragen für Anmeldungen bei Ihrem Konto bei { $product } sind pausiert
email-sign-in-approvals-paused-body = { $count } Anfragen, eine Anmeldung bei Ihrem Konto „{ $username }“ in einem anderen Browser zu bestätigen, blieben nacheinander unbeantwortet; deshalb werden einen Tag lang keine weiteren gesendet. Wenn Sie sie nicht angefordert haben, versucht jemand, der Ihr Passwort kennt, sich anzumelden: Ändern Sie jetzt Ihr Passwort.
