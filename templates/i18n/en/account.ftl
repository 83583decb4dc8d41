# The signed-in user's own pages: the account page (trusted browsers), sign-in security (factors, recovery
# codes), sessions, connected applications; the one-time notices after a change; the errors these pages show.

## Shared by the account pages
account-back = Back to your account
account-cancel = Cancel
account-sign-out = Sign out
account-this-browser = (this browser)
account-browser-on = { $browser } on { $os }
account-or = or
account-kind-webauthn = a security key or passkey
account-kind-totp = an authenticator app
account-kind-oath-token = a hardware token
account-kind-sms = a phone for text messages
account-reminder-enforced = Your account now needs a second factor: { $kinds }. From your next sign-in you will only be able to set one up.
account-reminder-due = Your account needs a second factor ({ $kinds }) from { $from }. Add one before { $by }: from that day, signing in will only let you set one up.
account-reminder-add = Add a second factor now.
account-admin-one-key = You are an administrator, and “{ $name }” is your only security key or passkey. One lost or broken key can lock you out of your account, and the ordinary helpdesk cannot reset an administrator's factors. Add a second key and keep it somewhere safe.
account-admin-one-key-add = Add a second security key or passkey

## The account page
account-title = Your account
account-hello = Hello, { $name }
account-recovery-used = You signed in with a recovery code; you have { $count } left.
account-recovery-used-few = You signed in with a recovery code; you have { $count } left — create new ones soon.
account-recovery-lost-before = If you lost your phone or security key,
account-recovery-lost-link = replace it now
account-recovery-lost-after = : remove the lost factor and add a new one.
account-recovery-fresh = For ten minutes after signing in you can do so without confirming it is you again.
account-username = Username
account-email = E-mail
account-phone = Phone
account-roles = Roles
account-signed-in = Signed in
account-link-security = Sign-in security: second factors and recovery codes
account-link-sessions = Your sessions: where you are signed in
account-link-apps = Connected applications: what you let in
account-link-sessions-short = Your sessions
account-link-apps-short = Connected applications
account-devices-title = Trusted browsers
account-devices-intro = These browsers skip the second step when you sign in (never the password).
account-devices-browser = Browser
account-devices-first = First trusted
account-devices-last = Last used
account-devices-until = Trusted until
account-devices-revoke = Revoke
account-devices-revoke-all = Revoke all trusted browsers
account-devices-none = No browser is trusted to skip your second step.

## Sign-in security
account-security-title = Sign-in security
account-security-must-enrol = Your account needs a second factor. Add one to finish signing in.
account-security-must-enrol-kinds = Your account needs a second factor ({ $kinds }). Add one to finish signing in.
account-security-recovery-used = You signed in with a recovery code; you have { $count } left.
account-security-recovery-lost = If you lost a factor: remove it below, then add a new one.
account-security-recovery-lost-few = If you lost a factor: remove it below, then add a new one, and create new recovery codes.
account-security-recovery-why = Anyone who finds the lost phone or key then has nothing to use it for.
account-ready-title = Be ready to lose it
account-ready-why = Your account now rests on this one factor. If you lose your phone or key, recovery codes sign you in once each, and a second factor keeps working — without them, only a factor reset by your manager and the helpdesk gets you back in.
account-ready-codes = Create recovery codes
account-ready-second = Add a second factor
account-ready-later = Not now
account-ready-later-continue = Not now, continue
account-security-factors = Your factors
account-security-factor = Factor
account-security-added = Added
account-security-last-used = Last used
account-security-actions = Actions
account-security-never = never
account-security-recovery-codes = Recovery codes
account-security-phone = Phone { $number }
account-security-codes-left = ({ $count } left)
account-security-flagged = Blocked: a copy of this key seems to exist, so it no longer signs you in.
account-security-flagged-todo = Remove it and add it again. If you did not copy it, tell your helpdesk: someone else may have a copy.
account-security-change-number = Change number
account-security-remove = Remove
account-security-remove-label = Remove { $name }
account-security-none = You have no second factor yet. A second factor keeps your account safe even if your password leaks.
account-security-remove-needs-before = To remove a factor,
account-security-remove-needs-link = sign in again with one of your factors
account-security-stale-before = To add or remove a factor, first
account-security-stale-link = confirm it is you
account-security-add-webauthn = Add a security key or passkey
account-security-add-webauthn-hint = — the strongest: it cannot be phished.
account-security-add-totp = Add an authenticator app
account-security-add-token = Add a hardware token
account-security-add-token-hint = (a key fob from your organisation)
account-security-add-sms = Add a phone for text messages
account-security-add-sms-hint = — the weakest factor: numbers can be hijacked. Prefer an authenticator app.
account-security-codes-replace = Replace my recovery codes
account-security-codes-create = Create recovery codes

## Recovery codes, shown once
account-codes-title = Your recovery codes
account-codes-intro = Each code signs you in once if you cannot use your other factors.
account-codes-once = This is the only time they are shown:
account-codes-keep = print them or keep them somewhere safe, apart from your phone. Any earlier codes no longer work.
account-codes-account = Account: { $username }
account-codes-download = Download as a text file
account-codes-download-text = { $product } recovery codes for { $username }
account-codes-done = Done
account-codes-done-continue = Done, continue

## Adding a factor
account-totp-title = Add an authenticator app
account-totp-scan = Scan this code with Google Authenticator, Microsoft Authenticator or any TOTP app:
account-totp-qr-alt = QR code for your authenticator app
account-totp-key = Or enter this key by hand:
account-totp-link = Setup link
account-totp-prove = Type the 6-digit code the app shows, to prove it works.
account-totp-name = Name (to tell your devices apart)
account-totp-default-name = Authenticator app
account-totp-code = Code from the app
account-totp-submit = Add
account-webauthn-title = Add a security key or passkey
account-webauthn-intro = Security keys (with a PIN) and passkeys (on your phone or computer, unlocked with a fingerprint, face or PIN) cannot be phished: they only answer this site.
account-webauthn-name = Name (to tell your keys apart)
account-webauthn-default-name = Security key
account-webauthn-register = Register
account-webauthn-unavailable = Security keys need { $product } to be reached by a domain name. Ask your administrator.
account-token-title = Add a hardware token
account-token-intro = Type the serial number printed on the back of your token, then press its button twice and type both codes, in order.
account-token-serial = Serial number
account-token-first = First code
account-token-second = Next code
account-token-submit = Add token
account-sms-add-short = Add a phone
account-sms-add-title = Add a phone for text messages
account-sms-change-title = Change your phone number
account-sms-change-intro = Sign-in codes go to { $phone } now. Type the new number: we send a code to it, and once you type that code the new number replaces the old one. Until then the old number keeps working. We tell the old number and your mailbox.
account-sms-weakest = Text messages are the weakest second factor: a phone number can be taken over (SIM swap) and messages intercepted. Use it only as a fallback; prefer an authenticator app or security key.
account-sms-number = Mobile number, international form (e.g. +41 44 668 18 00)
account-sms-new-number = New mobile number, international form (e.g. +41 44 668 18 00)
account-sms-send = Send a code
account-sms-confirm-title = Confirm your phone
account-sms-confirm-new-title = Confirm your new number
account-sms-confirm-sent = We sent a code to { $phone }. Type it here within 5 minutes.
account-sms-confirm-code = Code
account-sms-confirm-submit = Confirm
account-sms-other-number = Use another number
account-phone-invalid = That is not a valid phone number; use the international form, e.g. +41446681800.

## Sessions
account-sessions-title = Your sessions
account-sessions-intro-before = Every browser where your account is signed in now. If you do not recognise one, end it and
account-sessions-intro-link = change your password
account-sessions-browser = Browser
account-sessions-address = Address
account-sessions-signed-in = Signed in
account-sessions-last-seen = Last seen
account-sessions-how = How
account-sessions-unknown-address = unknown
account-sessions-pending-factor = Password typed, waiting for the second step
account-sessions-pending-enrolment = Password typed, setting up a second factor
account-method-pwd = password
account-method-otp = one-time code
account-method-sms = text message
account-method-hwk = security key
account-method-swk = passkey
account-method-rc = recovery code
account-method-device = trusted browser (second step skipped)
account-level-phishing-resistant = Two factors, phishing-resistant
account-level-mfa = Two factors
account-level-password = Password only
account-sessions-end = End
account-sessions-end-label = End the session of { $browser } last seen { $seen }
account-sessions-end-others = End all other sessions
account-sessions-end-explain = Ending a session signs that browser out and ends the access it gave applications (except access you granted to work while you are signed out).
account-sessions-no-others = No other browser is signed in to your account.
account-sessions-this-one = This is the session you are using: sign out to end it.

## Connected applications
account-apps-title = Connected applications
account-apps-intro = Applications you let sign you in, and what each may see. Revoking one ends the access it has now and makes it ask for your permission again next time.
account-apps-application = Application
account-apps-may-see = May see
account-apps-since = Since
account-apps-allowed = Allowed { $when }
account-apps-trusted = Trusted by your organisation
account-apps-last-used = Last signed in or refreshed { $when }
account-apps-last-used-offline = Last signed in or refreshed { $when }; works while you are signed out
account-apps-revoke = Revoke
account-apps-revoke-label = Revoke the access of { $app }
account-apps-none = No application can sign you in or use your account now. When you allow one, it is listed here.

## One-time notices after a change
account-notice-added-webauthn = Security key or passkey added: sign-in can ask for it from now on.
account-notice-added-totp = Authenticator app added: sign-in can ask for it from now on.
account-notice-added-token = Hardware token added: sign-in can ask for it from now on.
account-notice-added-phone = Phone added: sign-in can ask for it from now on.
account-notice-added-recovery = Recovery codes added: sign-in can ask for them from now on.
account-notice-removed = Factor removed: it no longer signs you in.
account-notice-codes-created = New recovery codes created: keep them apart from your phone and your security keys.
account-notice-codes-replaced = New recovery codes created: the old ones no longer work.
account-notice-phone-changed = Your phone number for sign-in codes was changed; the old number gets no more codes. We told the old number and your mailbox.
account-notice-revoked-removing = { $count ->
    [one] Removing it revoked your trusted browser, so a stolen password plus an old browser is not enough: it asks for a second factor at its next sign-in.
   *[other] Removing it revoked your { $count } trusted browsers, so a stolen password plus an old browser is not enough: they ask for a second factor at their next sign-in.
}
account-notice-revoked-replacing = { $count ->
    [one] Replacing them revoked your trusted browser, so a stolen password plus an old browser is not enough: it asks for a second factor at its next sign-in.
   *[other] Replacing them revoked your { $count } trusted browsers, so a stolen password plus an old browser is not enough: they ask for a second factor at their next sign-in.
}
account-notice-revoked-changing = { $count ->
    [one] Changing it revoked your trusted browser, so a stolen password plus an old browser is not enough: it asks for a second factor at its next sign-in.
   *[other] Changing it revoked your { $count } trusted browsers, so a stolen password plus an old browser is not enough: they ask for a second factor at their next sign-in.
}
account-notice-device-revoked = Trusted browser revoked: it asks for your second factor at its next sign-in.
account-notice-devices-revoked = { $count ->
    [0] There was no trusted browser to revoke.
    [one] You revoked your trusted browser: it asks for your second factor at its next sign-in.
   *[other] You revoked your { $count } trusted browsers: each asks for your second factor at its next sign-in.
}
account-notice-signed-out = You are signed out.
account-notice-session-ended = Session ended: that browser is signed out, and the applications it signed in to lose the access it gave them.
account-notice-other-sessions-ended = { $count ->
    [0] There was no other session to end. This one stays signed in.
    [one] You ended 1 other session: that browser is signed out. This one stays signed in.
   *[other] You ended { $count } other sessions: those browsers are signed out. This one stays signed in.
}
account-notice-app-revoked = Access removed: the application's tokens no longer work, and it must ask for your permission again.

## Texts of the core shown on these pages
core-that-code-is-not-right-check-the-time-on-your-phone-and-try-the-next-code = That code is not right. Check the time on your phone and try the next code.
core-that-code-is-not-right-or-it-has-expired = That code is not right, or it has expired.
core-this-enrolment-was-already-completed = This enrolment was already completed.
core-this-enrolment-has-expired-start-again = This enrolment has expired; start again.
core-a-name-has-at-most-64-characters = A name has at most 64 characters.
core-your-account-s-policy-does-not-accept-this-kind-of-factor-add-one-of-the-ki = Your account's policy does not accept this kind of factor. Add one of the kinds offered.
core-that-serial-number-and-those-codes-do-not-match-an-available-token = That serial number and those codes do not match an available token.
core-this-phone-is-no-longer-one-of-your-factors = This phone is no longer one of your factors.
core-that-is-the-number-you-have-now-type-the-new-one = That is the number you have now; type the new one.
core-add-an-authenticator-app-or-security-key-first-recovery-codes-back-it-up = Add an authenticator app or security key first; recovery codes back it up.
core-the-authenticator-s-answer-is-malformed = The authenticator's answer is malformed.
core-this-registration-has-expired-or-was-already-used-start-again = This registration has expired or was already used; start again.
core-the-security-key-or-passkey-could-not-be-registered = The security key or passkey could not be registered.
core-unknown-browser = Unknown browser
core-other-browser = Other browser

## Away: factor resets the person would approve go to their delegate or their own manager meanwhile.
account-away-title = Away
account-away-intro = Going away? While you are, the factor resets you would approve for the people you manage go to the delegate you name, or, without one, to your own manager.
account-away-until-time = You are marked away until
account-away-until-cleared = You are marked away until you say you are back.
account-away-delegate-is = Factor resets you would approve go to { $name }.
account-away-no-delegate = Factor resets you would approve go to your own manager.
account-away-back = I am back
account-away-delegate = Delegate: who decides in your place (username; optional)
account-away-until = Away until the end of (optional)
account-away-submit = Mark me away
account-away-change = Change
account-notice-away-set = You are marked away: factor resets you would approve go to your delegate, or to your manager, meanwhile.
account-notice-away-cleared = Welcome back: factor resets come to you again.
core-delegate-there-is-no-such-user = delegate: there is no such user.
core-delegate-nobody-is-their-own-delegate = delegate: nobody is their own delegate.
core-delegate-that-account-is-disabled = delegate: that account is disabled.
core-delegate-they-report-to-the-person-who-is-away-choose-someone-that-person-d = delegate: they report to the person who is away; choose someone that person does not manage.
core-until-give-a-day-yyyy-mm-dd-or-a-time-rfc-3339-e-g-2026-12-24t17-00-00z = until: give a day (YYYY-MM-DD) or a time (RFC 3339, e.g. 2026-12-24T17:00:00Z).
core-until-the-end-of-an-absence-must-lie-in-the-future = until: the end of an absence must lie in the future.
core-until-at-most-a-year-ahead-leave-it-out-for-an-absence-until-it-is-cleared = until: at most a year ahead; leave it out for an absence until it is cleared.
core-only-a-browser-signed-in-with-a-security-key-or-passkey-can-approve-a-sign-i = Only a browser signed in with a security key or passkey can approve a sign-in.
core-this-request-was-already-answered-or-has-expired = This request was already answered or has expired.

## Approving sign-ins from this browser (account/approvals.html)
account-link-approvals = Approve a sign-in on another browser
account-approvals-waiting = A sign-in on another browser waits for your approval.
account-approvals-title = Approve a sign-in
account-approvals-intro = Someone is signing in to your account on another browser. If it is you, pick the number that browser shows. If it is not you, refuse it and change your password.
account-approvals-none = No sign-in waits for your approval. This page shows one as soon as you ask from another browser.
account-approvals-cannot = Only a browser signed in with a security key or passkey can approve sign-ins. Sign in here with one to approve.
account-approvals-from = { $browser }
account-approvals-address = from { $ip }
account-approvals-pick = Pick the number the other browser shows
account-approvals-deny = This wasn't me: refuse
account-approvals-bad-pick = Pick one of the three numbers.
account-approvals-done-approved = Approved: the other browser is signed in now.
account-approvals-done-mismatch = That was not the number the other browser showed, so the sign-in was refused. If you did not start it, change your password: someone knows it.
account-approvals-done-denied = Refused. If you did not start that sign-in, change your password now: someone knows it.
account-method-mca = approved from another browser

## Passkey profiles: credentials the role's profile no longer accepts.
account-security-reenrol-notice = Your role now asks more of security keys and passkeys, and some of yours no longer meet it. They still work as a second factor, but no longer count as hardware-bound: register a key that does, then remove the old one.
account-security-reenrol-add = Register a new security key
account-security-reenrol = Re-enrol this key:
account-security-reenrol-not_attested = its make and model were not verified when it was registered.
account-security-reenrol-model_not_allowed = this model is not one your role accepts.
account-security-reenrol-synced = it is a synced passkey, and your role accepts only keys bound to one device.
account-security-reenrol-no_user_verification = it did not check a PIN or biometrics when it was registered.
core-your-role-accepts-only-security-keys-whose-make-and-model-can-be-verified-a = Your role accepts only security keys whose make and model can be verified (attestation), and this authenticator's could not be. Use a security key your organisation issued.
core-your-role-accepts-only-certain-security-key-models-and-this-is-not-one-of-t = Your role accepts only certain security key models, and this is not one of them. Use a security key your organisation issued.
core-your-role-accepts-only-security-keys-bound-to-one-device-and-this-is-a-sync = Your role accepts only security keys bound to one device, and this is a synced passkey. Use a security key, or a passkey that stays on this device.
core-your-role-requires-an-authenticator-that-checks-a-pin-or-biometrics-and-thi = Your role requires an authenticator that checks a PIN or biometrics, and this one did not.
core-your-role-accepts-only-attested-security-keys-but-no-attestation-trust-anch = Your role accepts only attested security keys, but no attestation trust anchors are configured on this server. Ask an administrator.
core-an-aaguid-allow-list-needs-passkey-attestation-required-without-attestation = An AAGUID allow-list needs passkey attestation required: without attestation, an authenticator can claim any AAGUID.
core-an-aaguid-allow-list-holds-at-most-256-entries = An AAGUID allow-list holds at most 256 entries.
