# Die Fehlerseite (error.html): was jede Fehlerseite gemeinsam hat, und wie sie die betroffene Anwendung nennt.
errors-start-page = Zur Startseite
errors-party = Anwendung: { $party }
errors-party-named = { $name } ({ $id })
