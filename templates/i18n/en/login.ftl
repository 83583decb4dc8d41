# Sign-in: the password page (and "confirm it is you"), the second step (and step-up), refusals by network,
# and the errors these pages show.

## The password page
login-title = Sign in
login-confirm-title = Confirm it is you
login-confirm-prompt = Confirm it is you: enter your password again to continue.
login-signed-in-as = Signed in as
login-username = Username or e-mail
login-password = Password
login-submit = Sign in
login-forgot = Forgot your password?
login-cancel = Cancel
login-passkey = Sign in with a passkey
login-passkey-confirm = Confirm with a passkey

## Refused by the network rules
login-ip-denied-title = Sign-in not allowed from here
login-ip-denied-recorded = The attempt was recorded.
login-back = Back to sign-in

## The second step
login-factor-title = Second step
login-factor-signing-in = Signing in as { $username }.
login-stepup-title = Confirm with another method
login-stepup-intro = The application asks for a stronger sign-in. Signed in as { $username }: confirm with one more method to continue.
login-factor-webauthn-intro = Use your security key or passkey.
login-factor-webauthn-button = Use security key or passkey
login-factor-trust = { $days ->
    [one] Trust this browser for { $days } day
   *[other] Trust this browser for { $days } days
}
login-factor-trust-hint = You will still enter your password here; only this step is skipped. Do not tick this on a shared computer.
login-factor-sms-sent = We sent a code to { $phone }. It is valid for 5 minutes.
login-factor-sms-offer = We can text a code to { $phone }.
login-factor-sms-resend = Send another code
login-factor-sms-send = Text me a code
login-factor-code-totp = Code from your authenticator app
login-factor-code-token = Code from your hardware token
login-factor-code-sms = Code from the text message
login-factor-code-recovery = One of your recovery codes
login-factor-recovery-hint = Each recovery code works once. After signing in, consider adding a new factor.
login-factor-continue = Continue
login-factor-other-methods = Use another method:
login-method-webauthn = security key or passkey
login-method-totp = authenticator app
login-method-oath-token = hardware token
login-method-sms = text message
login-method-recovery-code = recovery code
login-factor-lost-summary = I can't use any of my factors
login-factor-way-backup-factor = Sign in with another of your factors (choose it above), then replace the lost one on your security page.
login-factor-way-backup-sms = Sign in with a code sent to your phone (choose text message above), then replace the lost factor on your security page.
login-factor-way-recovery-codes = Sign in with one of your saved recovery codes (choose it above), then replace the lost factor on your security page.
login-factor-way-approval = Ask for a reset below: your manager approves it, the helpdesk checks your identity, and after a waiting period you enrol a new factor. Your password stays as it is.
login-factor-way-two-admins = Ask for a reset below: one administrator approves it, another checks your identity and carries it out, and after a waiting period you enrol a new factor. Your password stays as it is.
login-factor-lost-reason = What happened?
login-factor-lost-submit = Request a factor reset
login-factor-start-over = Start over
login-factor-none = No second factor is set up for this account.
login-factor-level-unreachable = No sign-in method of this account reaches the level the application asks for.
login-factor-unknown-method = Unknown sign-in method.
login-factor-no-phone = No phone is set up for this account.

## Security keys and passkeys (answers to the page script)
login-webauthn-send-json = Send application/json.
login-webauthn-malformed = The request is malformed.
login-webauthn-needs-domain = Security keys need { $product } to be reached by a domain name (public_url).
login-webauthn-sign-in-first = Sign in first.
login-webauthn-start-again = Start the passkey sign-in again.

## Texts of the core shown on these pages
core-invalid-username-or-password = Invalid username or password.
core-this-account-is-disabled-contact-your-administrator = This account is disabled. Contact your administrator.
core-signing-in-is-not-allowed-from-your-network-ask-your-administrator-if-you-n = Signing in is not allowed from your network. Ask your administrator if you need access from here.
core-that-code-is-not-right = That code is not right.
core-that-code-was-already-used-wait-for-the-next-code = That code was already used. Wait for the next code.
core-that-recovery-code-was-already-used = That recovery code was already used.
core-the-security-key-or-passkey-was-not-accepted = The security key or passkey was not accepted.
core-your-account-s-policy-does-not-accept-this-sign-in-method-use-one-of-the-me = Your account's policy does not accept this sign-in method. Use one of the methods offered.
core-there-is-no-sign-in-waiting-for-a-second-factor = There is no sign-in waiting for a second factor.
core-that-method-is-not-set-up-for-this-account = That method is not set up for this account.
core-use-the-security-key-button-for-this-method = Use the security key button for this method.
core-this-sign-in-was-already-completed = This sign-in was already completed.
core-that-passkey-was-not-accepted-sign-in-with-your-password-instead = That passkey was not accepted. Sign in with your password instead.
core-your-account-s-policy-does-not-accept-passkey-sign-in-sign-in-with-your-pas = Your account's policy does not accept passkey sign-in. Sign in with your password.
core-this-sign-in-step-does-not-apply-now-sign-in-again = This sign-in step does not apply now. Sign in again.
core-sign-in-with-your-password-first = Sign in with your password first.
core-your-account-s-policy-does-not-accept-approval-from-another-browser-use-one = Your account's policy does not accept approval from another browser. Use one of the methods offered.
core-none-of-your-browsers-is-signed-in-with-a-security-key-or-passkey-to-approv = None of your browsers is signed in with a security key or passkey to approve this sign-in.
core-approval-requests-are-paused-after-several-went-unanswered-use-another-meth = Approval requests are paused after several went unanswered. Use another method.
core-too-many-approval-requests-in-the-last-hour-use-another-method-or-wait = Too many approval requests in the last hour. Use another method, or wait.

## Cross-device sign-in approval (login/approval.html and the offer on login/second_factor.html)
login-approval-offer = Signed in on another browser with a security key or passkey? Approve this sign-in there.
login-approval-offer-button = Approve from another browser
login-approval-title = Approve this sign-in on your other browser
login-approval-intro = On a browser where you are signed in, open your account and choose "Approve a sign-in". Pick this number there:
login-approval-number-label = The number to pick: { $number }
login-approval-wait = This page continues by itself once you have answered. The request ends after two minutes.
login-approval-continue = Continue
login-approval-other-method = Use another method instead
login-approval-refused = The sign-in was refused on your other browser. If that was not you, change your password now: someone knows it.
login-approval-expired = Nobody answered in time. Ask again, or use another method.
