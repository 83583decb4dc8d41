# Von allen Seiten geteilt: der Rahmen, Statusnamen, Fehler, die jede Seite zeigen kann.
lang-switch-label = Sprache
error-no-page = Unter dieser Adresse gibt es keine Seite.
error-too-many-attempts = Zu viele Versuche. Warten Sie { $seconds } Sekunden und versuchen Sie es dann erneut.
error-factor-locked = Dieser Faktor ist nach zu vielen falschen Codes bis { $until } UTC gesperrt. Verwenden Sie einen anderen Faktor oder warten Sie.
error-not-found = { $what } nicht gefunden
recovery-codes-left = { $count ->
    [one] Sie haben noch { $count } Wiederherstellungscode.
   *[other] Sie haben noch { $count } Wiederherstellungscodes.
}
status-400 = Ungültige Anfrage
status-401 = Nicht angemeldet
status-403 = Nicht erlaubt
status-404 = Nicht gefunden
status-405 = Methode nicht erlaubt
status-408 = Zeitüberschreitung
status-409 = Konflikt
status-413 = Zu groß
status-422 = Nicht verarbeitbar
status-429 = Zu viele Anfragen
status-500 = Interner Fehler
status-503 = Vorübergehend nicht verfügbar

# Fehler, die jede Seite zeigen kann; HTTP-Schicht und Kern schreiben sie englisch (über ihren Text gefunden).
core-this-form-has-expired-or-did-not-come-from-this-site-go-back-reload-the-pag = Dieses Formular ist abgelaufen oder stammt nicht von dieser Website. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.
core-the-request-is-too-large = Die Anfrage ist zu groß.
core-send-the-form-as-application-x-www-form-urlencoded = Senden Sie das Formular als application/x-www-form-urlencoded.
core-the-database-is-unavailable-try-again-shortly = Die Datenbank ist nicht erreichbar; versuchen Sie es gleich noch einmal.
core-the-server-is-busy-right-now-nothing-was-changed-please-try-again-in-a-few-s = Der Server ist gerade ausgelastet. Es wurde nichts geändert; bitte versuchen Sie es in einigen Sekunden erneut.
core-please-confirm-it-is-you-sign-in-again-to-continue = Bitte bestätigen Sie, dass Sie es sind: Melden Sie sich erneut an, um fortzufahren.
core-internal-error = Interner Fehler
core-the-request-arrived-too-slowly-and-was-not-processed-please-try-again = Die Anfrage kam zu langsam an und wurde nicht verarbeitet. Bitte versuchen Sie es erneut.

webauthn-request-failed = Die Anfrage ist fehlgeschlagen.
