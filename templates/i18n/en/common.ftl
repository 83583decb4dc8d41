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
