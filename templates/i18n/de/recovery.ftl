# Anträge auf Zurücksetzen von Faktoren: gemeinsame Wörter des Helpdesks und der Link-Seiten, die Seite der
# Führungskraft, „Das war ich nicht“, der Einrichtungslink, der eigene Antrag; dazu die Ablehnungen des Kerns.

## Zustände eines Antrags.
recovery-state-requested = wartet auf Genehmigung
recovery-state-approved = genehmigt, wartet auf den Helpdesk
recovery-state-waiting = in der Wartezeit
recovery-state-done = erledigt
recovery-state-denied = abgelehnt
recovery-state-cancelled = abgebrochen
recovery-state-expired = abgelaufen

## Arten von Faktoren.
recovery-kind-totp = Authenticator-App
recovery-kind-webauthn = Sicherheitsschlüssel oder Passkey
recovery-kind-sms = SMS
recovery-kind-oath_token = Hardware-Token
recovery-kind-recovery_code = Wiederherstellungscodes

## Anmeldemethoden (amr) der Person, die entschieden hat.
recovery-amr-pwd = Passwort
recovery-amr-otp = Einmalcode
recovery-amr-sms = Code per SMS
recovery-amr-hwk = Sicherheitsschlüssel
recovery-amr-swk = Passkey
recovery-amr-rc = Wiederherstellungscode
recovery-amr-device = vertrauenswürdiger Browser (zweiter Schritt übersprungen)
recovery-amr-none = nicht erfasst (Kommandozeile oder Admin-API)

## Identitätsprüfungen, die der Helpdesk festhält.
recovery-check-callback_to_number_on_file = Rückruf unter der hinterlegten Nummer
recovery-check-employee_id = Personalnummer
recovery-check-hr_question = Frage der Personalabteilung

## Die Angaben eines Antrags.
recovery-details-user = Person
recovery-details-factors = Zurückzusetzende Faktoren
recovery-details-reason = Grund
recovery-details-opened-by = Gestellt von
recovery-details-opened-at = Gestellt am
recovery-details-from = Von
recovery-details-path = Weg der Wiederherstellung
recovery-path-approval = von der Führungskraft genehmigt, vom Helpdesk ausgeführt
recovery-path-two-admins = von einer Administratorin genehmigt, von einer anderen ausgeführt
recovery-details-state = Stand
recovery-details-takes-effect = Wirksam ab
recovery-factors-all = alle Faktoren, einschließlich der Wiederherstellungscodes
recovery-factor-named = { $kind } „{ $name }“
recovery-factor-gone = ein inzwischen entfernter Faktor
recovery-opened-by-self = die Person selbst, nach ihrem Passwort

## Die Seite der Führungskraft.
recovery-approve-title = Zurücksetzen von Faktoren genehmigen
recovery-approve-heading = Zurücksetzen von Faktoren genehmigen oder ablehnen
recovery-approve-as-manager = Sie werden gefragt, weil Sie die Führungskraft von { $name } sind.
recovery-approve-as-delegate = Sie werden gefragt, weil die Führungskraft von { $name } abwesend ist und Sie als Vertretung benannt hat.
recovery-approve-as-chain = Sie werden gefragt, weil Sie in der Kette der Führungskräfte über { $name } stehen und niemand dazwischen entscheiden kann (ausgeschieden, oder abwesend ohne Vertretung).
recovery-approve-as-role = Sie werden gefragt, weil niemand in der Kette der Führungskräfte von { $name } entscheiden kann und Sie die Rolle haben, die dann genehmigt.
recovery-approve-as-override = Dieser Antrag wurde nicht an Sie geschickt. Als Administrator können Sie an Stelle der Person entscheiden, an die er ging – oder an Stelle von niemandem, wenn niemand gefragt werden konnte (siehe unten, wer gefragt wurde) – und müssen den Grund angeben.
recovery-approve-why-sign-in = Sie wurden um Ihre Anmeldung gebeten, damit die Entscheidung wirklich von Ihnen kommt: Das Zurücksetzen nimmt einem Konto die Faktoren, die es schützen. Deshalb muss eine Person zustimmen, die die betroffene Person kennt – und zwar aus ihrem eigenen Konto.
recovery-approve-what-heading = Was eine Genehmigung bewirkt
recovery-approve-what-checks = Der Helpdesk prüft die Identität von { $name }, bevor er das Zurücksetzen ausführt.
recovery-approve-what-removed = Nach einer Wartezeit werden die unten aufgeführten Faktoren entfernt, und alle Sitzungen von { $name } enden.
recovery-approve-what-enrol = { $name } richtet danach neue Faktoren über einen Link ein, der per E-Mail kommt und nur zusammen mit dem eigenen Passwort funktioniert.
recovery-approve-what-notices = { $name } wurde über diesen Antrag informiert und wird vor dem Wirksamwerden noch einmal auf allen hinterlegten Wegen (E-Mail, SMS) benachrichtigt, mit einem Link, um es zu stoppen.
recovery-approve-only-if = Genehmigen Sie nur, wenn Sie selbst mit der Person gesprochen haben und diesen Antrag erwarten.
recovery-approve-note-override = Warum Sie an Stelle der genehmigenden Person entscheiden (erforderlich)
recovery-approve-submit = Zurücksetzen genehmigen
recovery-approve-deny-heading = Nicht erwartet?
recovery-approve-deny-text = Lehnen Sie ab, wenn Sie diesen Antrag nicht erwartet haben oder nicht für die Person bürgen können. Am Konto ändert sich dann nichts.
recovery-approve-deny-submit = Zurücksetzen ablehnen
recovery-approve-need-factor = Ihre Rolle verlangt für diese Entscheidung einen zweiten Faktor. Richten Sie unter Konto › Anmeldesicherheit einen ein und öffnen Sie den Link dann erneut.

## Wer um Genehmigung gebeten wurde (der Genehmigungsweg).
recovery-route-heading = Wer um Genehmigung gebeten wurde
recovery-route-table = Der Genehmigungsweg
recovery-route-col-person = Person
recovery-route-col-as = Betrachtet als
recovery-route-col-outcome = Ergebnis
recovery-route-as-manager = Führungskraft der Person
recovery-route-as-delegate = Vertretung von { $name }
recovery-route-as-chain = weiter oben in der Kette der Führungskräfte
recovery-route-as-role = Mitglied der Rolle { $role }
recovery-route-asked = um Genehmigung gebeten
recovery-route-skip-no_manager = die Person hat keine Führungskraft
recovery-route-skip-missing = übersprungen: kein solches Konto
recovery-route-skip-disabled = übersprungen: deaktiviert (ausgeschieden)
recovery-route-skip-absent = übersprungen: abwesend
recovery-route-skip-subject = übersprungen: die Person selbst
recovery-route-skip-requester = übersprungen: hat den Antrag gestellt
recovery-route-skip-reports_to_subject = übersprungen: wird von der Person geführt
recovery-route-skip-admin_required = übersprungen: kein Administrator
recovery-route-skip-cycle = beendet: die Führungskräfte bilden einen Kreis
recovery-route-skip-too_deep = beendet: die Kette der Führungskräfte ist zu lang
recovery-route-nobody = Niemand konnte gefragt werden: Ein Administrator entscheidet an Stelle der genehmigenden Person, mit Begründung.
recovery-route-before = Dieser Antrag wurde gestellt, bevor Genehmigungen weitergeleitet wurden: Die Führungskraft der Person entscheidet.

## Nach der Entscheidung.
recovery-decided-approved = Zurücksetzen genehmigt
recovery-decided-denied = Zurücksetzen abgelehnt
recovery-decided-approved-next = Der Helpdesk prüft nun die Identität von { $name } und führt das Zurücksetzen aus. { $name } wird vorher benachrichtigt und kann es dann noch stoppen.
recovery-decided-denied-next = Am Konto von { $name } ändert sich nichts. Der Helpdesk sieht Ihre Entscheidung.

## „Das war ich nicht“: der Link zum Abbrechen aus der Benachrichtigung.
recovery-cancel-title = Zurücksetzen der Faktoren abbrechen
recovery-cancel-heading = Das war ich nicht
recovery-cancel-intro = Ein Zurücksetzen Ihrer Anmeldefaktoren wird demnächst wirksam. Brechen Sie es ab, wenn Sie es nicht beantragt haben.
recovery-cancel-submit = Zurücksetzen abbrechen
recovery-cancelled-title = Zurücksetzen abgebrochen
recovery-cancelled-heading = Zurücksetzen abgebrochen
recovery-cancelled-text = Ihre Anmeldefaktoren bleiben, wie sie sind. Wenden Sie sich an Ihren Helpdesk: Jemand kennt womöglich Ihr Passwort – ändern Sie es.

## Der Einrichtungslink nach dem Zurücksetzen.
recovery-enrol-title = Neuen Faktor einrichten
recovery-enrol-heading = Neuen Anmeldefaktor einrichten
recovery-enrol-intro = Ihre Faktoren wurden zurückgesetzt. Bestätigen Sie mit Ihrem Passwort, dass Sie es sind; danach können Sie einen neuen Faktor einrichten, und nur das.
recovery-enrol-password = Passwort
recovery-enrol-continue = Weiter
recovery-enrol-wrong-password = Dieses Passwort stimmt nicht.

## Der eigene Antrag von der Seite des zweiten Faktors.
recovery-requested-title = Zurücksetzen beantragt
recovery-requested-heading = Antrag gesendet
recovery-requested-text = Ihr Antrag auf Zurücksetzen Ihrer Anmeldefaktoren wurde erfasst. Ihre Führungskraft (oder wer sie vertritt) wird um Genehmigung gebeten; danach prüft der Helpdesk Ihre Identität und führt es aus. Nach einer Wartezeit erhalten Sie einen Link, um einen neuen Faktor einzurichten.
recovery-requested-text-admins = Ihr Antrag auf Zurücksetzen Ihrer Anmeldefaktoren wurde erfasst. Bei Ihrer Rolle genehmigt ihn eine Administratorin, und eine andere Administratorin führt ihn aus, nachdem sie Ihre Identität geprüft hat. Nach einer Wartezeit erhalten Sie einen Link, um einen neuen Faktor einzurichten.
recovery-requested-single-channel = Wir können Sie über diesen Antrag nur unter einer Adresse benachrichtigen: Hinterlegen Sie eine Telefonnummer oder einen zweiten Weg, sobald Sie wieder angemeldet sind.
recovery-requested-nothing-yet = Bis dahin ändert sich nichts, und Sie werden vor dem Wirksamwerden auf allen hinterlegten Wegen benachrichtigt.
recovery-requested-not-sent = Antrag nicht gesendet
recovery-requested-back = Zurück

## Fehler dieser Seiten.
recovery-error-link = Dieser Link ist ungültig, abgelaufen oder wurde bereits verwendet.
recovery-error-choose-decision = Wählen Sie „genehmigen“ oder „ablehnen“.
recovery-error-no-request = Diesen Antrag auf Zurücksetzen gibt es nicht.

## Die Ablehnungen des Kerns.
core-a-reason-is-required = Ein Grund ist erforderlich.
core-a-reason-has-at-most-500-characters-and-no-control-characters = Ein Grund hat höchstens 500 Zeichen und keine Steuerzeichen.
core-open-a-request-for-your-own-factors-from-the-second-factor-page-after-your-p = Einen Antrag für Ihre eigenen Faktoren stellen Sie nach Ihrem Passwort auf der Seite des zweiten Faktors, nicht als Helpdesk.
core-only-helpdesk-agents-and-administrators-open-requests-for-someone-else = Nur Helpdesk-Mitarbeitende und Administratoren stellen Anträge für andere.
core-nobody-approves-a-reset-of-their-own-factors = Niemand genehmigt das Zurücksetzen der eigenen Faktoren.
core-the-person-who-opened-a-request-cannot-also-approve-it = Wer einen Antrag gestellt hat, kann ihn nicht auch genehmigen.
core-a-reset-of-an-administrator-s-or-helpdesk-agent-s-factors-must-be-approved-b = Das Zurücksetzen der Faktoren eines Administrators oder einer Helpdesk-Person muss ein Administrator genehmigen.
core-this-request-was-not-sent-to-you-state-why-you-approve-in-the-approver-s-pl = Dieser Antrag wurde nicht an Sie geschickt: Geben Sie an, warum Sie an Stelle der genehmigenden Person genehmigen.
core-only-the-approver-this-request-was-sent-to-or-an-administrator-with-a-reaso = Nur die Person, an die dieser Antrag geschickt wurde (oder ein Administrator, mit Begründung), darf entscheiden.
core-nobody-approves-a-reset-of-someone-who-manages-them-directly-or-further-up = Niemand genehmigt das Zurücksetzen für jemanden, der ihn führt – direkt oder weiter oben.
core-only-helpdesk-agents-and-administrators-execute-resets = Nur Helpdesk-Mitarbeitende und Administratoren führen ein Zurücksetzen aus.
core-nobody-executes-a-reset-of-their-own-factors = Niemand führt das Zurücksetzen der eigenen Faktoren aus.
core-the-person-who-opened-a-request-cannot-also-execute-it = Wer einen Antrag gestellt hat, kann ihn nicht auch ausführen.
core-the-person-who-approved-a-request-cannot-also-execute-it = Wer einen Antrag genehmigt hat, kann ihn nicht auch ausführen.
core-only-an-administrator-executes-a-reset-of-an-administrator-s-or-helpdesk-ag = Nur ein Administrator führt das Zurücksetzen der Faktoren eines Administrators oder einer Helpdesk-Person aus.
core-record-which-identity-checks-the-user-passed-before-executing-a-reset = Halten Sie fest, welche Identitätsprüfungen die Person bestanden hat, bevor Sie das Zurücksetzen ausführen.
core-choose-the-factors-to-reset-or-all-of-them = Wählen Sie die Faktoren, die zurückgesetzt werden sollen, oder alle.
core-this-account-has-no-second-factor-to-reset = Dieses Konto hat keinen zweiten Faktor, der zurückgesetzt werden könnte.
core-this-account-has-no-such-factor-choose-among-the-factors-it-has = Dieses Konto hat keinen solchen Faktor: Wählen Sie unter seinen Faktoren.
core-a-factor-reset-for-this-account-is-already-under-way = Für dieses Konto läuft bereits ein Zurücksetzen von Faktoren.
core-this-request-was-decided-cancelled-or-has-expired-it-can-no-longer-be-decid = Über diesen Antrag wurde bereits entschieden, oder er wurde abgebrochen oder ist abgelaufen; er kann nicht mehr entschieden werden.
core-this-request-was-decided-a-moment-ago-by-someone-else = Über diesen Antrag hat gerade eben jemand anderes entschieden.
core-your-role-requires-a-second-factor-for-this-confirm-your-sign-in-with-one-t = Ihre Rolle verlangt dafür einen zweiten Faktor: Bestätigen Sie Ihre Anmeldung damit und entscheiden Sie dann.
core-only-an-approved-request-can-be-executed = Nur ein genehmigter Antrag kann ausgeführt werden.
core-this-request-changed-a-moment-ago-reload-it = Dieser Antrag hat sich gerade geändert; laden Sie ihn neu.
core-only-the-user-a-helpdesk-agent-or-an-administrator-cancels-a-request = Nur die Person selbst, der Helpdesk oder ein Administrator bricht einen Antrag ab.
core-this-request-is-closed-and-can-no-longer-be-cancelled = Dieser Antrag ist abgeschlossen und kann nicht mehr abgebrochen werden.
recovery-pass-title = Befristeter Zugangscode
recovery-pass-heading = Neuen Faktor mit einem befristeten Zugangscode einrichten
recovery-pass-intro = Der Helpdesk hat Ihnen nach der genehmigten Zurücksetzung Ihrer Faktoren einen befristeten Zugangscode gegeben. Mit ihm und Ihrem Passwort können Sie einmal einen neuen Anmeldefaktor einrichten, und nur das.
recovery-pass-username = Benutzername oder E-Mail-Adresse
recovery-pass-pass = Befristeter Zugangscode
recovery-pass-password = Passwort
recovery-pass-continue = Weiter
recovery-pass-wrong = Das hat nicht geklappt: Der Code oder das Passwort stimmt nicht, oder der Code wurde schon verwendet, ist abgelaufen oder noch nicht gültig.

# Anruferprüfung: Ablehnungen des Kerns.
core-only-helpdesk-agents-and-administrators-verify-callers = Nur Helpdesk-Mitarbeitende und Administratoren prüfen Anrufende.
core-nobody-verifies-themselves-as-a-caller = Niemand prüft sich selbst als Anrufenden.
core-only-an-administrator-verifies-the-caller-of-an-administrator-s-or-helpdesk = Nur eine Administratorin oder ein Administrator prüft den Anrufenden beim Zurücksetzen eines Administrator- oder Helpdesk-Kontos.
core-the-person-who-approved-a-request-cannot-also-override-its-caller-verificat = Wer einen Antrag genehmigt hat, kann dessen Anruferprüfung nicht auch übergehen.
core-the-person-who-opened-a-request-cannot-also-override-its-caller-verificatio = Wer einen Antrag gestellt hat, kann dessen Anruferprüfung nicht auch übergehen.
core-you-recorded-this-request-s-override-another-agent-executes-it = Sie haben die Übergehung dieses Antrags erfasst: Eine andere Person führt ihn aus.
core-the-caller-is-not-verified-as-this-account-s-policy-requires-send-a-prompt-o = Der Anrufende ist nicht so geprüft, wie es die Richtlinie dieses Kontos verlangt: Senden Sie eine Rückfrage, oder lassen Sie eine zweite Person vom Helpdesk eine Übergehung erfassen.
core-callers-are-verified-while-a-request-is-approved-before-it-is-executed = Anrufende werden geprüft, solange ein Antrag genehmigt und noch nicht ausgeführt ist.
core-this-user-has-no-manager-to-ask = Diese Person hat keine Vorgesetzte und keinen Vorgesetzten, die man fragen könnte.
core-there-is-no-phone-number-on-file-to-text-send-the-prompt-by-mail = Es ist keine Telefonnummer hinterlegt: Senden Sie die Rückfrage per E-Mail.
core-pick-one-of-the-three-numbers-on-the-page = Wählen Sie eine der drei Zahlen auf der Seite.
core-only-an-approved-request-s-caller-verification-can-be-overridden = Nur die Anruferprüfung eines genehmigten Antrags kann übergangen werden.
core-this-request-s-caller-verification-was-overridden-already = Die Anruferprüfung dieses Antrags wurde bereits übergangen.

# Die Seite der Anruferprüfung.
recovery-verify-title = Sind Sie am Telefon?
recovery-verify-user-heading = Der Helpdesk prüft, ob Sie es sind
recovery-verify-user-text = Jemand vom Helpdesk prüft, ob er gerade mit Ihnen spricht, bevor er Ihre Anmeldefaktoren zurücksetzt. Wählen Sie die Zahl, die Ihnen vorgelesen wurde.
recovery-verify-manager-heading = Telefoniert { $name } gerade mit dem Helpdesk?
recovery-verify-manager-text = Der Helpdesk will die Anmeldefaktoren von { $name } zurücksetzen. Fragen Sie { $name } nach der vorgelesenen Zahl und wählen Sie sie hier.
recovery-verify-pick = Die vorgelesene Zahl
recovery-verify-once = Sie können einmal antworten: Eine falsche Zahl gilt als fehlgeschlagene Prüfung.
recovery-verify-user-no = Ich spreche nicht mit dem Helpdesk
recovery-verify-manager-no = Nein, { $name } telefoniert nicht mit dem Helpdesk
recovery-verify-not-for-you = Diese Frage ging an jemand anderen. Melden Sie sich als die Person an, an die sie ging.
recovery-verify-error-choose = Wählen Sie eine der drei Zahlen, oder sagen Sie, dass Sie es nicht sind.
recovery-verified-title = Danke
recovery-verified-passed = Ihre Antwort ist beim Helpdesk angekommen. Sie können diese Seite schließen.
recovery-verified-mismatch = Das war nicht die vorgelesene Zahl. Der Helpdesk macht mit dieser Prüfung nicht weiter, und die Kontoinhaberin oder der Kontoinhaber wird gewarnt.
recovery-verified-failed-user = Der Helpdesk macht mit dieser Prüfung nicht weiter. Wenn jemand in Ihrem Namen Ihre Faktoren zurücksetzen will, wenden Sie sich sofort an Ihr Sicherheitsteam.
recovery-verified-failed-manager = Der Helpdesk macht mit dieser Prüfung nicht weiter, und die Kontoinhaberin oder der Kontoinhaber wird gewarnt.
recovery-verify-code = Code aus Ihrer Authenticator-App (Sie haben sie noch: Bestätigen Sie damit, dann wählen Sie die Zahl)
recovery-verify-passkey = Sie haben noch einen Sicherheitsschlüssel oder Passkey: Bestätigen Sie zuerst damit, dann wählen Sie die Zahl.
recovery-verify-passkey-button = Mit meinem Sicherheitsschlüssel oder Passkey bestätigen
recovery-verify-passkey-done = Bestätigt. Wählen Sie jetzt die Zahl, die Ihnen vorgelesen wurde.
recovery-verify-passkey-failed = Ihr Sicherheitsschlüssel oder Passkey hat nicht geantwortet. Versuchen Sie es noch einmal oder nutzen Sie Ihre Authenticator-App.
recovery-verify-code-instead = Oder der Code aus Ihrer Authenticator-App
