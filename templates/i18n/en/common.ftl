# Shared by every page: the frame, status names, errors any page can show.
lang-switch-label = Language
error-no-page = There is no page at this address.
error-too-many-attempts = Too many attempts. Wait { $seconds } seconds, then try again.
error-factor-locked = This factor is locked after too many wrong codes until { $until } UTC. Use another factor, or wait.
error-not-found = { $what } not found
recovery-codes-left = { $count ->
    [one] You have { $count } recovery code left.
   *[other] You have { $count } recovery codes left.
}
status-400 = Bad request
status-401 = Not signed in
status-403 = Forbidden
status-404 = Not found
status-405 = Method not allowed
status-408 = Request timeout
status-409 = Conflict
status-413 = Too large
status-422 = Cannot be processed
status-429 = Too many requests
status-500 = Internal error
status-503 = Temporarily unavailable

# Errors any page can show, written by the HTTP layer and the core in English (looked up by their text).
core-this-form-has-expired-or-did-not-come-from-this-site-go-back-reload-the-pag = This form has expired or did not come from this site. Go back, reload the page and try again.
core-the-request-is-too-large = The request is too large.
core-send-the-form-as-application-x-www-form-urlencoded = Send the form as application/x-www-form-urlencoded.
core-the-database-is-unavailable-try-again-shortly = The database is unavailable; try again shortly.
core-the-server-is-busy-right-now-nothing-was-changed-please-try-again-in-a-few-s = The server is busy right now. Nothing was changed; please try again in a few seconds.
core-please-confirm-it-is-you-sign-in-again-to-continue = Please confirm it is you: sign in again to continue.
core-internal-error = internal error
core-the-request-arrived-too-slowly-and-was-not-processed-please-try-again = The request arrived too slowly and was not processed. Please try again.

webauthn-request-failed = The request failed.
