# The helpdesk console (/helpdesk): the queue of factor-reset requests, one request with its timeline, finding a
# user, and opening a request on a user's behalf.

helpdesk-title = Helpdesk
helpdesk-back = Back to the queue
helpdesk-none = none
helpdesk-error-not-agent = The helpdesk console is for helpdesk agents and administrators.
helpdesk-error-no-user = There is no user with this username or e-mail address.

## The queue.
helpdesk-queue-heading = Factor-reset requests
helpdesk-find-label = Find a user (username, e-mail address or name)
helpdesk-find-button = Find
helpdesk-filter-label = Requests of one user (username or e-mail)
helpdesk-filter-button = Show
helpdesk-filter-all = Show closed ones too
helpdesk-filter-open = Show open ones only
helpdesk-queue-empty = No requests.
helpdesk-queue-table = Factor-reset requests
helpdesk-queue-view = View
helpdesk-col-opened = Opened
helpdesk-col-user = User
helpdesk-col-request = Request
helpdesk-open-heading = Open a request on a user's behalf
helpdesk-open-user-label = User (username or e-mail)
helpdesk-open-continue = Choose the factors

## Finding a user.
helpdesk-users-title = Find a user
helpdesk-users-label = Username, e-mail address or name (part of it is enough)
helpdesk-users-search = Search
helpdesk-users-none = No user matches.
helpdesk-users-limit = Showing the first { $limit } matches; type more to narrow the search.
helpdesk-users-table = Users found
helpdesk-users-disabled = disabled
helpdesk-users-open = Open a request
helpdesk-col-email = E-mail
helpdesk-col-roles = Roles
helpdesk-col-factors = Factors
helpdesk-col-open-requests = Open requests

## Opening a request.
helpdesk-open-title = Open a factor-reset request
helpdesk-open-no-factors = This account has no second factor to reset.
helpdesk-open-factors-legend = Factors to reset
helpdesk-open-some = Or untick that, and tick only the factors the user lost:
helpdesk-open-added = added
helpdesk-open-explain = The user's manager is mailed an approval link — or, when the manager is away, departed or missing, whoever stands in for them (the request shows who was asked, and why); the user is told at once. Someone else carries out the reset.
helpdesk-open-reason = Reason (what the user told you, and how they reached you)
helpdesk-open-submit = Open request
helpdesk-open-another = Find another user
helpdesk-open-error-both = Tick either all factors or some of them, not both.

## One request.
helpdesk-request-title = Factor-reset request
helpdesk-request-decided-by = Decided by
helpdesk-request-approver-amr = Decider signed in with
helpdesk-request-note = Note
helpdesk-request-single-channel = Its notices reach the user at one address only (no second e-mail or phone on file when it opened): confirm the caller through another channel before executing.
helpdesk-request-executed-by = Carried out by
helpdesk-request-checks = Checks passed
helpdesk-request-closed-by = Closed by
helpdesk-decide-heading-override = Decide in the approver's place
helpdesk-decide-override-text = This request was not sent to you. As an administrator you may approve or deny in the place of the person it was sent to (or when nobody could be asked); say why. The person it was sent to can also decide through the link mailed to them.
helpdesk-decide-heading-manager = Decide as the manager
helpdesk-decide-manager-text = You are this user's manager: approve only if you have spoken to them yourself and you expect this request.
helpdesk-decide-heading-routed = Decide as the approver asked
helpdesk-decide-routed-text = This request was sent to you (see who was asked above): approve only if you have spoken to the person yourself and you expect this request.
helpdesk-decide-note = Why you decide in the approver's place (required)
helpdesk-decide-approve = Approve the reset
helpdesk-decide-deny = Deny the reset
helpdesk-decide-others = The person this request was sent to (see who was asked above) decides through the link mailed to them; an administrator may decide in their place.
helpdesk-execute-heading = Carry out the reset
helpdesk-execute-text = Tick the identity checks the user passed. Record only which passed, never the answers.
helpdesk-execute-legend = Identity checks passed
helpdesk-execute-submit = Execute the reset
helpdesk-cancel-submit = Cancel the request

## The timeline.
helpdesk-timeline-heading = Timeline
helpdesk-timeline-table = Timeline of the request
helpdesk-timeline-signed-in-with = signed in with
helpdesk-col-when = When
helpdesk-col-event = Event
helpdesk-col-outcome = Outcome
helpdesk-col-who = Who
helpdesk-col-details = Details
helpdesk-event-opened = Request opened
helpdesk-event-approved = Approval
helpdesk-event-denied = Denial
helpdesk-event-executed = Execution
helpdesk-event-cancelled = Cancellation
helpdesk-event-expired = Expiry
helpdesk-event-done = Factors reset
helpdesk-event-enrol_link = Enrolment link
helpdesk-outcome-success = done
helpdesk-outcome-failure = failed
helpdesk-outcome-denied = refused
helpdesk-actor-system = the system
helpdesk-actor-cancel-link = whoever held the cancel link

## The core's refusals that reach these pages.
core-search-for-at-most-100-characters-of-a-username-e-mail-address-or-name = Search for at most 100 characters of a username, e-mail address or name.
helpdesk-execute-pass = Also issue a temporary access pass (for a user who cannot reach their mailbox)
helpdesk-pass-heading = Temporary access pass — shown only now
helpdesk-pass-text = Read it to the user. Once the cooling-off is over, it and their password open the page at /recovery/pass to enrol a new factor, once, for a limited time. It is not shown again; the user is told by mail that it was issued.

# Verify the caller (number matching).
helpdesk-verify-heading = Verify the caller
helpdesk-verify-required-none = This account's roles require no caller verification; the identity checks below are enough.
helpdesk-verify-required-either = This account's roles require one passed prompt, to the user or to their manager, before the reset is executed.
helpdesk-verify-required-user = This account's roles require a passed prompt to the user before the reset is executed.
helpdesk-verify-required-manager = This account's roles require a passed prompt to the user's manager before the reset is executed.
helpdesk-verify-required-both = This account's roles require a passed prompt to the user and one to their manager before the reset is executed.
helpdesk-verify-read-out = Read this number to the caller; { $name } picks it from three on their page:
helpdesk-verify-waiting = Waiting for the answer (the prompt ends after { $minutes } minutes): reload this page to see it.
helpdesk-verify-reload = Reload
helpdesk-verify-results = Caller verification prompts
helpdesk-verify-col-to = To
helpdesk-verify-col-by = Sent by
helpdesk-verify-channel-mail = by mail
helpdesk-verify-channel-sms = by text message
helpdesk-verify-state-pending = waiting for an answer
helpdesk-verify-state-passed = passed
helpdesk-verify-state-failed = failed (said it was not them)
helpdesk-verify-state-mismatch = failed (picked another number)
helpdesk-verify-state-timed_out = timed out
helpdesk-verify-does-not-count = does not count here
helpdesk-verify-user-legend = Send a prompt to the user
helpdesk-verify-send-user = Send to the user
helpdesk-verify-send-manager = Ask the manager, { $name }
helpdesk-verify-manager-approved = { $name } approved this request: their answer will not count as a second proof.
helpdesk-verify-overridden = Overridden by { $name }
helpdesk-verify-override-label = Override as a second agent: why the caller is verified without a prompt (you will not execute it yourself)
helpdesk-verify-override-submit = Record the override
helpdesk-verify-error-choose = Choose whom to ask, and how.
helpdesk-verify-error-rate-limited = Too many prompts: at most three per request in 15 minutes and twenty per agent in an hour. Wait, then try again.
helpdesk-event-verify_sent = Caller prompt sent
helpdesk-event-verify_answered = Caller prompt answered
helpdesk-event-verify_override = Caller verification overridden
