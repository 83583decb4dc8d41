# The admin console (/admin): words for administrators and helpdesk agents. Technical names (client, SAML,
# OpenID Connect, NameID, entity ID, audit event names, factor kind names such as webauthn) stay as they are.

## The frame
admin-title = Administration
admin-title-product = { $product } administration
admin-skip = Skip to the page
admin-nav-label = Administration
admin-nav-dashboard = Dashboard
admin-nav-users = Users
admin-nav-roles = Roles
admin-nav-clients = Clients
admin-nav-sps = Service providers
admin-nav-keys = Keys
admin-nav-tokens = Hardware tokens
admin-nav-audit = Audit log
admin-nav-signals = Shared Signals
admin-nav-helpdesk = Helpdesk queue
admin-operator = { $name } ({ $username }), { $role }
admin-your-account = Your account
admin-sign-out = Sign out
admin-error-no-role = The admin console is for administrators and helpdesk agents.
admin-error-too-weak = Your role needs a stronger sign-in than any of your sign-in methods gives. Add { $what ->
    [key] a security key or passkey
   *[other] a second factor
} under Account › Sign-in security (/account/security), then open the console again.

## Shared words
admin-none = none
admin-never = never
admin-yes = yes
admin-no = no
admin-first-page = First page
admin-next-page = Next page
admin-deleted-account = a deleted account
admin-via = via { $via }
admin-status-active = active
admin-status-disabled = disabled
admin-outcome-success = success
admin-outcome-failure = failure
admin-outcome-denied = denied
admin-field-username = Username
admin-field-display-name = Display name
admin-field-email = E-mail
admin-field-email-address = E-mail address
admin-field-phone = Phone
admin-field-manager = Manager
admin-field-away = Away
admin-away-until = until { $until }
admin-away-open-ended = until they say they are back
admin-away-delegate = factor resets they would approve go to { $name }
admin-away-no-delegate = factor resets they would approve go to their own manager
admin-field-status = Status
admin-field-roles = Roles
admin-field-password = Password
admin-field-second-factor = Second factor
admin-field-created = Created
admin-field-source = Source
admin-field-external-id = Directory ID (externalId)
admin-field-directory-deleted = Deleted by the directory
admin-source-scim = Directory (SCIM)
admin-source-cli = Command line
admin-source-console = Console
admin-source-api = Admin API
admin-source-setup = First start
admin-source-unknown = Not recorded
admin-field-added = Added
admin-field-state = State
admin-field-kind = Kind
admin-field-name = Name
admin-field-last-used = Last used
admin-field-time = Time
admin-field-event = Event
admin-field-outcome = Outcome
admin-field-by = By
admin-field-from = From
admin-field-action = Action
admin-field-fingerprint = SHA-256 fingerprint
admin-role-admin-description = Administers Gatehouse: users, roles, clients, service providers
admin-role-helpdesk-description = Carries out approved factor resets and helps users
admin-role-user-description = An ordinary account
admin-kind-webauthn = security key or passkey
admin-kind-totp = authenticator app
admin-kind-oath-token = hardware token
admin-kind-sms = text message
admin-kind-recovery-code = recovery codes
admin-kinds-webauthn = Security keys and passkeys
admin-kinds-totp = Authenticator apps
admin-kinds-oath-token = Hardware tokens
admin-kinds-sms = Text messages
admin-kinds-recovery-code = Recovery codes (a backup only)
admin-reset-state-requested = requested
admin-reset-state-approved = approved
admin-reset-state-waiting = waiting
admin-reset-state-done = done
admin-reset-state-denied = denied
admin-reset-state-cancelled = cancelled
admin-reset-state-expired = expired
admin-session-state-authenticated = signed in
admin-session-state-pending-second-factor = waiting for the second factor
admin-session-state-pending-enrolment = adding a required factor
admin-key-state-next = next
admin-key-state-active = active
admin-key-state-previous = previous
admin-key-state-expired = expired
admin-key-state-retired = retired
admin-file-too-large = { $name } is larger than { $kib } KiB: it was not read.
admin-file-read = Read { $name } ({ $bytes } bytes) into the field below.
admin-file-unreadable = { $name } could not be read.

## Confirmation pages
admin-confirm-title = Confirm
admin-confirm-cancel = Cancel, back to { $back }

## Dashboard
admin-dashboard-title = Dashboard
admin-readiness-title = Administrator access at risk
admin-readiness-none = No administrator can sign in: nobody with the role admin is active, has a password (or passkey) and the second factor their policy requires. Only the command line on the server can administer Gatehouse now.
admin-readiness-one = Only { $username } can sign in as an administrator: if they lose their way in, leave or are disabled, only the command line on the server can administer Gatehouse, and a factor reset of an administrator needs other administrators to approve and carry it out.
admin-readiness-add = Add a second administrator:
admin-readiness-create = create an account with the role admin
admin-readiness-or-server = or on the server:
admin-readiness-command = gatehouse user add NAME --email ADDRESS --role admin
admin-readiness-one-factor = { $username } signs in with a single { $factor ->
    [yes] security key
   *[other] second factor
} and has no recovery codes: losing it locks Gatehouse out.
admin-readiness-add-spare-own = Add a second security key or create recovery codes.
admin-readiness-add-spare = Ask them to add a second security key or create recovery codes under Account › Sign-in security.
admin-dashboard-failures = Failed or refused sign-in steps
admin-dashboard-failures-aside = In the last 24 hours; { $count } succeeded.
admin-dashboard-accounts = Accounts needing attention
admin-dashboard-disabled = disabled
admin-dashboard-locked = with a locked password (too many wrong attempts)
admin-dashboard-resets = Open factor-reset requests
admin-dashboard-resets-none = None waiting.
admin-dashboard-sign-ins = Sign-in events since { $since }
admin-dashboard-step = Step
admin-dashboard-succeeded = Succeeded
admin-dashboard-failed = Failed
admin-dashboard-refused = Refused
admin-dashboard-cell-succeeded = { $count } { $step } succeeded
admin-dashboard-cell-failed = { $count } { $step } failed
admin-dashboard-cell-refused = { $count } { $step } refused
admin-dashboard-kind-password = Password
admin-dashboard-kind-second-factor = Second factor or step-up
admin-dashboard-kind-passkey = Passkey without password
admin-dashboard-kind-trusted-device = Trusted browser
admin-dashboard-kind-ip-denied = Refused by IP rules
admin-dashboard-kind-password-locked = Password locked
admin-dashboard-kind-password-unlocked = Password unlocked
admin-dashboard-sign-ins-note = A sign-in is a password step and, for most accounts, a second-factor step: each is counted.
admin-dashboard-sign-ins-all = Every sign-in event of the last 24 hours
admin-dashboard-keys = Keys and certificates due within { $days } days
admin-dashboard-keys-none = No signing key retires and no SAML certificate expires within { $days } days.
admin-dashboard-keys-what = What
admin-dashboard-keys-key = Key
admin-dashboard-keys-when = When
admin-dashboard-key-oidc-retires = OpenID Connect signing key retires
admin-dashboard-key-saml-retires = SAML signing key retires
admin-dashboard-key-cert-expires = SAML certificate expires
admin-dashboard-key-cert-expired = SAML certificate expired
admin-dashboard-keys-rotate = Rotate them on the
admin-dashboard-keys-page = keys page
admin-dashboard-keys-rotate-or = , or with
admin-dashboard-keys-oidc = (OpenID Connect) and
admin-dashboard-keys-saml = (SAML).

## Users
admin-users-title = Users
admin-users-search-label = Username, e-mail address or name (part of it is enough)
admin-users-search = Search
admin-users-search-too-long = Search for at most { $max } characters.
admin-users-none = No account matches.
admin-users-table = Accounts
admin-users-password-locked = , password locked
admin-users-pages = Pages of accounts
admin-users-create-title = Create an account
admin-users-create-display-name = Display name (optional)
admin-users-create-manager = Manager: username or e-mail (optional)
admin-users-create-phone = Phone, e.g. +41446681800 (optional)
admin-users-create-note = The account starts without a password: the user sets one with “Forgot your password?” on the sign-in page.
admin-users-create-button = Create the account
admin-users-created = Created the account { $username } ({ $name }). It has no password yet: they set one with “Forgot your password?” on the sign-in page.
admin-users-manager-unknown = Manager: there is no account { $manager }.

## One account
admin-user-not-found = There is no account { $username }.
admin-user-locked = ; the password is locked after too many wrong attempts
admin-user-password-set = set
admin-user-password-not-set = not set yet
admin-user-mfa-required = required of this account whatever its roles say
admin-user-edit-profile = Edit the profile
admin-user-edit-profile-or-username = Edit the profile or the username
admin-user-unlock = Unlock the password
admin-user-disable = Disable the account…
admin-user-enable = Enable the account
admin-user-delete = Delete the account…
admin-user-remove-role = Remove…
admin-user-remove-role-label = Remove the role { $role }…
admin-user-give-role-label = Give a role
admin-user-give-role = Give the role
admin-user-sessions = Sessions
admin-user-sessions-none = No live session.
admin-user-session = Session
admin-user-signed-in = Signed in
admin-user-last-seen = Last seen
admin-user-methods = Methods
admin-user-end-session = End…
admin-user-end-session-label = End the session started { $started }…
admin-user-end-sessions = End every session…
admin-user-factors = Second factors
admin-user-factors-none = No second factor.
admin-factor-active = active
admin-factor-pending = not yet proven
admin-user-factor-flagged = ; flagged as a possible copy
admin-user-factors-note = Factors are not removed here: a lost factor is replaced through a factor reset, approved by the user's manager and executed by the helpdesk.
admin-user-open-reset = Open a factor-reset request
admin-user-reset-opened = Factor-reset request opened { $opened }
admin-user-devices = Trusted browsers
admin-user-devices-none = No browser is trusted to skip this account's second factor.
admin-user-browser = Browser
admin-user-first-trusted = First trusted
admin-user-trusted-until = Trusted until
admin-user-revoke-devices = Revoke all trusted browsers…
admin-user-trail = Audit trail
admin-user-trail-none = No event about this account.
admin-user-trail-note = The last 50 events.
admin-user-trail-all = Every event about { $username } in the audit log

## Actions on an account (notices and confirmations)
admin-error-choose-role = Choose a role.
admin-error-choose-status = Choose disabled or active.
admin-error-choose-session = Choose a session, or all.
admin-role-given = Gave { $username } the role { $role }.
admin-role-already-had = { $username } already had the role { $role }.
admin-role-removed = Removed the role { $role } from { $username }.
admin-role-did-not-have = { $username } did not have the role { $role }.
admin-remove-role-title = Remove the role { $role } from { $username }?
admin-remove-role-loses = { $who } loses what the role { $role } gives, from their next request on.
admin-remove-role-console = They can no longer use this console in that role.
admin-remove-role-button = Remove the role
admin-status-already-active = { $username } is already active.
admin-status-already-disabled = { $username } is already disabled.
admin-disable-title = Disable { $username }?
admin-disable-ends = { $who } can no longer sign in, and every session of theirs ends now, with the tokens it earned.
admin-disable-stays = Their password, factors and roles stay: enabling the account again restores sign-in.
admin-disable-own = This is your own account: you will be signed out at once.
admin-disable-button = Disable the account
admin-disabled = Disabled { $username }; their sessions ended.
admin-enabled = Enabled { $username }: they can sign in again.
admin-revoke-title = Revoke every trusted browser of { $username }?
admin-revoke-consequence = { $who } is asked for a second factor at their next sign-in in every browser; their current sessions stay.
admin-revoke-button = Revoke all trusted browsers
admin-revoked = { $count ->
    [0] { $username } had no trusted browser.
    [one] Revoked the one trusted browser of { $username }.
   *[other] Revoked { $count } trusted browsers of { $username }.
}
admin-end-all-title = End every session of { $username }?
admin-end-one-title = End this session of { $username }?
admin-end-all-consequence = Every browser of { $who } is signed out at once, and every token their sign-ins earned is revoked, offline access included.
admin-end-all-stays = Their password, factors and trusted browsers stay: they can sign in again.
admin-end-one-consequence = The browser of { $who } with session { $session } is signed out at once, and the tokens that sign-in earned are revoked (offline access excepted).
admin-end-own = This is your own account: your session here may be among them.
admin-end-all-button = End every session
admin-end-one-button = End the session
admin-ended-all = { $count ->
    [0] { $username } had no session.
    [one] Ended the one session of { $username }.
   *[other] Ended { $count } sessions of { $username }.
}
admin-ended-one = Ended a session of { $username }.
admin-end-not-found = That session was not found: it may have ended already.
admin-unlocked = Unlocked the password of { $username }: they can sign in with it again.
admin-not-locked = The password of { $username } was not locked; its failed attempts are cleared.

## Profile, username, deletion
admin-profile-title = Edit { $username }
admin-profile-heading = Edit { $name }
admin-profile-back = Back to { $name } ({ $username })
admin-profile-profile = Profile
admin-profile-display-name = Display name (empty: the username)
admin-profile-phone = Phone, e.g. +41446681800 (empty: none)
admin-profile-manager = Manager: username or e-mail (empty: none)
admin-profile-phone-note = A new phone number is treated like the user's own phone change: every browser trusted to skip their second factor is revoked, and they are told by mail.
admin-profile-phone-note-with-old = A new phone number is treated like the user's own phone change: every browser trusted to skip their second factor is revoked, and they are told by mail and by a text to the old number.
admin-profile-phone-note-sms = An SMS factor keeps the number it was verified with.
admin-profile-manager-note = The manager approves the user's factor resets: never the user, nor anyone who reports to them.
admin-profile-email-note = A new e-mail address: the old address is told.
admin-profile-save = Save the profile
admin-profile-new-username = New username
admin-profile-rename = Rename
admin-profile-rename-note = The account keeps its id: its sessions, tokens, SAML identifiers and audit trail stay with it. Applications that show the username see the new one at the next sign-in.
admin-changed-email = e-mail address
admin-changed-display-name = display name
admin-changed-phone = phone number (trusted browsers revoked, the user told)
admin-changed-manager = manager
admin-profile-unchanged = Nothing to change for { $username }.
admin-profile-changed = Changed the { $what } of { $username }.
admin-rename-same = { $username } already has that username.
admin-renamed = Renamed { $username } to { $new }: the same account, its sessions, tokens and history stay.
admin-delete-title = Delete { $username }?
admin-delete-for-good = { $who } is removed for good. Disabling the account is the choice that can be undone.
admin-delete-sessions = Every session ends now and every token they earned is revoked, offline access included; the applications they signed in to are told.
admin-delete-factors = Their second factors, recovery codes, trusted browsers, consents, password links and factor-reset requests (open ones too) are removed, and so are their roles.
admin-delete-reports = People they manage no longer have a manager: an administrator approves those people's factor resets until they get a new one.
admin-delete-names = The username and e-mail address become free; a new account with them is a different person. The audit log keeps every event about them.
admin-delete-own = This is your own account: you will be signed out and cannot come back.
admin-delete-button = Delete the account for good
admin-deleted = Deleted the account { $username } ({ $sessions } sessions ended).
admin-deleted-reports = { $count ->
    [one] One person they managed has no manager now.
   *[other] { $count } people they managed have no manager now.
}

## Roles and their policies
admin-roles-heading = Roles and their policies
admin-roles-note = What each role asks of its members' sign-in. A person with several roles gets the strictest of each setting: only the kinds every role counts, the shortest limits.
admin-roles-role = Role
admin-roles-reauth = Sign in again
admin-roles-networks = Networks
admin-roles-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
admin-roles-reauth-server = the server's
admin-roles-reauth-limits = { $absolute } absolute, { $idle } idle
admin-roles-minutes = { $minutes } min
admin-roles-server-limit = server
admin-roles-anywhere = anywhere
admin-roles-networks-count = { $allowed } allowed, { $refused } refused
admin-role-title = Role { $role }
admin-role-heading = The role { $role }
admin-role-all = All roles
admin-role-what = What it is
admin-role-members = Members
admin-role-changed = Policy changed
admin-role-not-found = There is no role { $role }.
admin-role-policy = Policy
admin-role-factors = Factors that count
admin-role-mfa-required = Members must have and use a second factor
admin-role-enforce-from = Required from (YYYY-MM-DD, UTC; empty: at once)
admin-role-grace-days = Grace days after that date (0 to { $max })
admin-role-trusted-days = Trusted browser days (0: never trusted)
admin-role-reauth-absolute = Sign in again after (minutes; empty: the server's)
admin-role-reauth-idle = Sign in again after inactivity (minutes; empty: the server's)
admin-role-recovery-delay = Factor-reset delay (minutes, at most { $max }; empty: the server's)
admin-role-acr-age-mfa = Multi-factor sign-in lasts (minutes; empty: { $default })
admin-role-acr-age-phr = Phishing-resistant sign-in lasts (minutes; empty: { $default })
admin-role-acr-age-phrh = Hardware-bound sign-in lasts (minutes; empty: { $default })
admin-role-recovery = Recovery of a lost factor
admin-role-recovery-default = The built-in paths of this role ({ $paths })
admin-role-recovery-note = Unless the built-in paths are chosen, tick the ways members may come back; at least one of the two kinds of reset request. A member of several roles may take only the paths every one of their roles allows.
admin-role-caller-check = Caller verification before a helpdesk reset
admin-role-caller-check-default = The built-in check of this role ({ $check })
admin-recovery-path-backup-factor = Another factor they still have (self-service)
admin-recovery-path-backup-sms = A text message code (self-service)
admin-recovery-path-recovery-codes = A saved recovery code (self-service)
admin-recovery-path-approval = A reset request: approved by the manager, executed by the helpdesk
admin-recovery-path-two-admins = A reset request: approved by one administrator, executed by another
admin-caller-check-none = none (the agent's identity checks only)
admin-caller-check-either = the user or the manager confirms
admin-caller-check-user = the user confirms
admin-caller-check-manager = the manager confirms
admin-caller-check-both = the user and the manager confirm
admin-policy-no-request-path = Recovery: tick at least one kind of reset request, or choose the built-in paths; without one, a member who lost every factor could never sign in again.
admin-policy-bad-caller-check = Caller verification: choose one of the listed checks.
admin-role-networks = Networks (one address or CIDR a line, IPv4 or IPv6)
admin-role-ip-allow = Allowed networks (empty: anywhere)
admin-role-ip-deny = Refused networks (win over allowed ones)
admin-role-save-note = Saved as a whole; a change that would make members need a factor they do not have asks first.
admin-role-save = Save the policy
admin-mfa-not-required = not required
admin-mfa-required = required
admin-mfa-required-from = { $grace ->
    [0] required from { $from }
   *[other] required from { $from } (+{ $grace } days' grace)
}
admin-policy-field-grace = Grace days
admin-policy-field-trusted = Trusted browser days
admin-policy-field-reauth-absolute = Sign in again after (minutes)
admin-policy-field-reauth-idle = Sign in again after inactivity (minutes)
admin-policy-field-recovery-delay = Factor-reset delay (minutes)
admin-policy-field-acr-age-mfa = Multi-factor sign-in lasts (minutes)
admin-policy-field-acr-age-phr = Phishing-resistant sign-in lasts (minutes)
admin-policy-field-acr-age-phrh = Hardware-bound sign-in lasts (minutes)
admin-policy-field-ip-allow = Allowed networks
admin-policy-field-ip-deny = Refused networks
admin-policy-bad-count = { $field }: a whole number from 0 to { $max }.
admin-policy-bad-minutes = { $field }: a whole number from 1 to { $max }, or empty for the server's.
admin-policy-too-many-networks = { $field }: at most { $max } entries.
admin-policy-bad-network = { $field }: { $detail }
admin-policy-no-kind = Factors that count: tick at least one kind.
admin-policy-bad-date = Required from: a date as YYYY-MM-DD, or empty for at once.
admin-policy-changed = Changed the policy of the role { $role }.
admin-policy-unchanged = The policy of { $role } already was so.
admin-tighten-title = Tighten the policy of { $role }?
admin-tighten-from-date = from { $date }
admin-tighten-from-next = from their next sign-in
admin-tighten-more = { " " }and { $count } more
admin-tighten-lacking = { $count ->
    [one] { $count } member of { $role } has no factor that counts under the new policy ({ $names }): they will have to add one { $from }, before anything else.
   *[other] { $count } members of { $role } have no factor that counts under the new policy ({ $names }): they will have to add one { $from }, before anything else.
}
admin-tighten-too-many = The role has more than { $max } members, too many to check one by one: members without a factor that counts will have to add one { $from }.
admin-tighten-summary = Factors that count: { $kinds }; a second factor is { $mfa }.
admin-tighten-button = Tighten the policy
admin-tighten-back = the role { $role }

## Keys and certificates
admin-keys-title = Keys and certificates
admin-keys-oidc = OpenID Connect signing keys
admin-keys-kid = Key id
admin-keys-algorithm = Algorithm
admin-keys-signs-from = Signs from
admin-keys-retires = Retires
admin-keys-not-scheduled = not scheduled
admin-keys-all = all ({ $algorithms })
admin-keys-immediately = Sign with the new key at once (only when the current key may be compromised); otherwise in { $minutes } minutes
admin-keys-rotate = Rotate the signing key…
admin-keys-saml = SAML signing certificates
admin-keys-leaves = Leaves metadata
admin-keys-valid-until = Certificate valid until
admin-keys-soon = soon
admin-keys-unreadable = unreadable
admin-keys-activate-in = Signs after (hours, 0 to { $max })
admin-keys-keep-previous = Old ones stay in metadata (hours after that)
admin-keys-cert-immediately = Sign with the new certificate at once (only when the current key may be compromised)
admin-keys-rotate-cert = Rotate the SAML certificate…
admin-keys-bad-algorithm = Algorithm: choose all or one of { $algorithms }.
admin-rotate-key-title = Rotate the OpenID Connect signing key?
admin-rotate-keys-title = Rotate the OpenID Connect signing keys?
admin-rotate-key-at-once = A new signing key for { $algorithms } is published in the key set at once and signs new tokens at once.
admin-rotate-key-later = A new signing key for { $algorithms } is published in the key set at once, and signs new tokens { $minutes } minutes from now, once relying parties' caches know it.
admin-rotate-key-old = The key it replaces stays published until the tokens it signed have expired, so they keep working.
admin-rotate-key-risk = Relying parties that have not fetched the key set since may refuse new tokens for a few minutes: sign at once only when the current key may be compromised.
admin-rotate-button = Rotate
admin-rotate-back = the keys
admin-rotated-key = { $kid } ({ $alg }, signs from { $from })
admin-rotated-keys = { $count ->
    [one] Added the signing key { $keys }.
   *[other] Added the signing keys { $keys }.
}
admin-rotate-cert-bad-activate = Signs after: whole hours from 0 to { $max }.
admin-rotate-cert-bad-keep = Old ones stay: whole hours from 0 to { $max }.
admin-rotate-cert-at-once = at once
admin-rotate-cert-in-hours = in { $hours } hours
admin-rotate-cert-new = A new certificate appears in the SAML metadata at once and signs responses { $signs }; service providers must import the new metadata (or certificate) before then.
admin-rotate-cert-old = The certificates it replaces stay in the metadata { $hours } hours after that.
admin-rotate-cert-risk = Service providers that have not imported it refuse our responses until they do: sign at once only when the current key may be compromised.
admin-rotate-cert-title = Rotate the SAML certificate?
admin-rotated-cert = Added the SAML certificate { $id } (SHA-256 { $fingerprint }), signing from { $from }.

## Hardware tokens
admin-tokens-none = No hardware token has been imported.
admin-tokens-no-more = No more tokens.
admin-tokens-serial = Serial
admin-tokens-type = Type
admin-tokens-digits = Digits
admin-tokens-period = Period
admin-tokens-imported = Imported
admin-tokens-bound-to = Bound to
admin-tokens-seconds = { $count } s
admin-tokens-counter = counter
admin-tokens-since = since { $since }
admin-tokens-in-stock = in stock
admin-tokens-pages = Pages of tokens
admin-tokens-import-title = Import a seed file
admin-tokens-file = Seed file from the vendor (PSKC XML with plain values, or CSV; at most { $mib } MiB)
admin-tokens-content = The file's text (or paste it here). CSV lines: serial,secret_base32,type,digits,period
admin-tokens-format = Format
admin-tokens-format-auto = detect (a first < means PSKC)
admin-tokens-note = All or nothing: a file naming a serial imported before is refused whole. The seeds are sealed and never shown again.
admin-tokens-import = Import the tokens
admin-tokens-too-large = File: larger than { $mib } MiB; split it.
admin-tokens-empty = File: choose a seed file, or paste it.
admin-tokens-bad-format = Format: choose detect, PSKC or CSV.
admin-tokens-imported-notice = { $count ->
    [one] Imported { $count } hardware token: they are in stock until a user binds one.
   *[other] Imported { $count } hardware tokens: they are in stock until a user binds one.
}

## SAML service providers
admin-sps-heading = SAML service providers
admin-sps-none = No service provider is registered.
admin-sps-name-id = NameID
admin-sps-endpoints = Sign-in endpoints
admin-sps-lowest = Lowest level
admin-sps-encrypted = Encrypted
admin-sps-add-title = Add a service provider from its metadata
admin-sps-file = Metadata file (XML, at most { $kib } KiB)
admin-sps-metadata = Metadata XML (one EntityDescriptor; or paste it here)
admin-sps-sign-in = Sign-in
admin-sps-sign-response = Sign the whole Response as well as the Assertion
admin-sps-idp-initiated = Allow sign-in started at Gatehouse (IdP-initiated)
admin-sps-who-legend = Who may sign in (none ticked: everyone)
admin-sps-add = Add the service provider
admin-sp-title = Service provider
admin-sp-heading = The service provider { $entity }
admin-sp-all = All service providers
admin-sp-entity-id = Entity ID
admin-sp-name-id-format = NameID format
admin-sp-who = Who may sign in
admin-sp-everyone = everyone
admin-sp-min-level = Lowest sign-in level
admin-sp-signed-requests = Signed requests
admin-sp-required = required
admin-sp-not-required = not required
admin-sp-assertions-wanted-signed = assertions wanted signed
admin-sp-assertions-signed = assertions signed
admin-sp-response-signed = , Response signed too
admin-sp-idp-initiated = IdP-initiated sign-in
admin-sp-allowed = allowed
admin-sp-not-allowed = not allowed
admin-sp-encryption = Encryption
admin-sp-encrypted = assertions encrypted ({ $method })
admin-sp-acs = Sign-in endpoints (from the metadata)
admin-sp-index = Index
admin-sp-binding = Binding
admin-sp-location = Location
admin-sp-default = Default
admin-sp-slo = Sign-out endpoints
admin-sp-certificates = Certificates (the only keys its requests are checked with)
admin-sp-use = Use
admin-sp-valid-until = Valid until
admin-sp-use-signing = signing
admin-sp-use-encryption = encryption
admin-sp-change = Change
admin-sp-new-file = New metadata file for the same entity ID (optional)
admin-sp-new-metadata = New metadata XML (empty: keep what was read)
admin-sp-save = Save the changes
admin-sp-removal = Removal
admin-sp-remove = Remove the service provider…
admin-sp-encryption-method = Encryption method
admin-sp-encrypt = Encrypt assertions (needs an encryption certificate in the metadata)
admin-sp-attributes = Attributes sent, one a line: name = username, email, name, roles or static:VALUE
admin-sp-attribute-no-equals = attributes: line { $line }: write name = source
admin-sp-attribute-bad-source = attributes: line { $line }: the source is username, email, name, roles or static:VALUE
admin-sp-too-large = metadata: larger than { $kib } KiB.
admin-sp-not-found = There is no service provider { $entity }.
admin-sp-added = { $count ->
    [one] Added the service provider { $entity }: { $count } sign-in endpoint read from its metadata.
   *[other] Added the service provider { $entity }: { $count } sign-in endpoints read from its metadata.
}
admin-sp-changed = Changed the service provider { $entity }.
admin-sp-remove-title = Remove the service provider { $entity }?
admin-sp-remove-refused = Nobody can sign in to it through Gatehouse any more; its requests are refused.
admin-sp-remove-again = Adding it again from its metadata restores it; persistent NameIDs stay the same, since they are derived from the user and the entity ID.
admin-sp-remove-button = Remove the service provider
admin-sp-back = the service provider { $entity }
admin-sp-removed = Removed the service provider { $entity }.

## Audit log
admin-audit-title = Audit log
admin-audit-user = About user
admin-audit-actor = By (username, or as stored: client:ci)
admin-audit-kind = Event (user.created, or login.*)
admin-audit-any = any
admin-audit-since = Since (UTC, e.g. 2026-01-31 14:00)
admin-audit-until = Until (UTC)
admin-audit-filter = Filter
admin-audit-clear = Clear
admin-audit-export = Export every event this filter matches:
admin-audit-export-jsonl = JSON lines
admin-audit-export-csv = CSV
admin-audit-none = No event matches.
admin-audit-table = Audit events
admin-audit-about = About
admin-audit-pages = Pages of events
admin-audit-newest = Newest events
admin-audit-older = Older events
admin-audit-bad-since = Since: a time such as 2026-01-31 14:00 (UTC).
admin-audit-bad-until = Until: a time such as 2026-01-31 14:00 (UTC).
admin-audit-bad-user = User: no such user.
admin-audit-bad-actor = Actor: no such user; give an actor as stored, e.g. client:ci.
admin-audit-bad-actor-long = Actor: at most 256 characters.
admin-audit-bad-kind = Kind: a kind such as user.created, or a prefix such as oidc.*.
admin-audit-bad-outcome = Outcome: success, failure or denied.
admin-audit-bad-format = Export as jsonl or csv.

## Texts the core writes in English that reach the console (looked up by their text: `core-<slug>`)
core-only-an-administrator-may-act-on-an-administrator-s-account = Only an administrator may act on an administrator's account.
core-the-role-helpdesk-may-not-do-this = The role 'helpdesk' may not do this.
core-the-role-auditor-may-not-do-this = The role 'auditor' may not do this.
core-refusing-to-remove-the-role-admin-from-the-last-administrator = Refusing to remove the role 'admin' from the last administrator.
core-manager-a-user-cannot-be-their-own-manager = manager: a user cannot be their own manager.
core-recovery-codes-are-a-backup-never-a-second-factor-on-their-own-allow-anothe = Recovery codes are a backup, never a second factor on their own: allow another kind beside recovery_code.
admin-signals-intro = Receivers registered with the service role ssf are told of credential changes, revoked sessions and disabled accounts. Each manages its own stream; this page shows how delivery goes.
admin-signals-none = No receiver has created a stream.
admin-signals-receiver = Receiver
admin-signals-endpoint = Pushes to
admin-signals-status = Status
admin-signals-status-enabled = enabled
admin-signals-status-paused = paused
admin-signals-status-disabled = disabled
admin-signals-backlog = Waiting
admin-signals-failed = Given up
admin-signals-last-error = Last error
admin-signals-no-error = none
admin-signals-last-delivery = Last delivery
admin-signals-never = never

## Passkey profile of a role.
admin-role-passkey = Security keys and passkeys
admin-role-passkey-attested = Require attestation: only models the server's trust anchors verify
admin-role-passkey-aaguids = Allowed models (AAGUIDs, one a line; empty: any attested model)
admin-role-passkey-device-bound = Refuse synced passkeys (device-bound only)
admin-role-passkey-uv = Require user verification (PIN or biometrics)
admin-role-passkey-note = Only keys that meet these count as hardware-bound (phrh). Keys registered before a change keep working as a second factor; their owners are asked to re-enrol.
admin-policy-bad-aaguid = Allowed models: each line must be an AAGUID such as cb69481e-8ff7-4039-93ec-0a2729a154a8.
