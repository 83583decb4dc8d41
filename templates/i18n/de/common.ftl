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
