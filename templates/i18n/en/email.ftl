# Mails (templates/email/). Each mail's subject, then its paragraphs; `-ip` variants name the client address.
# $product is the brand name; dates arrive already written the language's way.

## Shared
email-hello = Hello { $name },
email-when = at { $at }
email-when-from = at { $at }, from { $ip }
email-not-you = If this was not you, contact your helpdesk at once.
email-not-asked = If you did not ask for this, contact your helpdesk at once.
email-or = or
email-factor-kind = { $kind ->
    [webauthn] security key or passkey
    [totp] authenticator app
    [sms] text message
    [oath_token] hardware token
    [recovery_code] recovery code
   *[other] { $kind }
}

## code_reused
email-code-reused-subject = A used sign-in code was tried again on your { $product } account
email-code-reused-body = someone entered a code for your account "{ $username }" that had already been used. If that was you, all is well: wait for the next code. If not, someone may be watching your codes: change your password and re-enrol your authenticator.

## email_changed
email-email-changed-subject = The e-mail address of your account was changed
email-email-changed-body = the e-mail address of your account "{ $username }" was changed to { $new_email } ({ $when }). Notices and password reset links go there from now on; this is the last mail to this address.

## factor_added
email-factor-added-subject = A sign-in factor was added to your { $product } account
email-factor-added-body = "{ $factor }" was added to the sign-in factors of your account "{ $username }".
email-factor-added-body-ip = "{ $factor }" was added to the sign-in factors of your account "{ $username }" from { $ip }.
email-factor-added-warning = If this was not you, contact your helpdesk at once: someone may know your password.

## factor_locked
email-factor-locked-subject = Sign-in factor locked after repeated wrong codes
email-factor-locked-body = after repeated wrong codes, the { $kind } factor of your account "{ $username }" is locked until { $until }.
email-factor-locked-body-ip = after repeated wrong codes, the { $kind } factor of your account "{ $username }" is locked until { $until } (last attempt from { $ip }).
email-factor-locked-advice = Whoever tried knew your password. Change it now, and consider re-enrolling your authenticator.

## factor_locked_admin
email-factor-locked-admin-subject = [{ $product }] A user's second factor was locked
email-factor-locked-admin-body = The { $kind } factor of "{ $username }" was locked until { $until } after repeated wrong codes.
email-factor-locked-admin-body-ip = The { $kind } factor of "{ $username }" was locked until { $until } after repeated wrong codes, last from { $ip }.
email-factor-locked-admin-why = The password was correct each time: the account's password is probably known to someone else.
email-admin-audit = See the audit log:

## factor_removed
email-factor-removed-subject = A sign-in factor was removed from your { $product } account
email-factor-removed-body = "{ $factor }" was removed from the sign-in factors of your account "{ $username }".
email-factor-removed-body-ip = "{ $factor }" was removed from the sign-in factors of your account "{ $username }" from { $ip }.

## mfa_reminder
email-mfa-reminder-subject = Add a second factor to your { $product } account
email-mfa-reminder-needs = your account "{ $username }" needs a second factor:
email-mfa-reminder-kind = { $kind ->
    [webauthn] a security key or passkey
    [totp] an authenticator app
    [oath_token] a hardware token
    [sms] a phone for text messages
   *[other] { $kind }
}
email-mfa-reminder-deadline = This applies from { $enforce_from }. Add one before { $enrol_by }: from that day, signing in will only let you set one up.
email-mfa-reminder-how = Sign in and open "Sign-in security" on your account page to add one. (This reminder is sent at most once a day.)

## passkey_flagged
email-passkey-flagged-subject = Your security key or passkey is blocked
email-passkey-flagged-body = your security key or passkey "{ $factor }" just answered with a signature counter lower than one it had sent before. That happens when a copy of it exists, so it is blocked and will not be accepted any more.
email-passkey-flagged-body-ip = your security key or passkey "{ $factor }" just answered with a signature counter lower than one it had sent before (the attempt came from { $ip }). That happens when a copy of it exists, so it is blocked and will not be accepted any more.
email-passkey-flagged-advice = If you have only one such key: sign in with another factor, remove "{ $factor }" on your account's security page and register it again. If you cannot sign in, ask an administrator. If you did not just sign in, someone may have a copy of your key and knows your password: change it.

## password_locked
email-password-locked-subject = Your password was locked
email-password-locked-body = after { $failures } wrong passwords in a row for your account "{ $username }" (the last { $when }), its password has stopped working, even when typed correctly.
email-password-locked-advice = If those attempts were not yours, someone is guessing your password. To sign in again, use "Forgot your password?" on the sign-in page and set a new password from the link we mail you; or ask an administrator to unlock it.

## password_locked_admin
email-password-locked-admin-subject = [{ $product }] A password was locked
email-password-locked-admin-body = The password of "{ $username }" was locked after { $failures } wrong attempts in a row (the last { $when }).
email-password-locked-admin-unlock = The user has been told. It stays locked until the user resets the password by mail or an administrator runs:
email-password-locked-admin-audit = Before unlocking, check the audit log:

## password_reset
email-password-reset-subject = Reset your { $product } password
email-password-reset-body = someone (hopefully you) asked to reset the password of the { $product } account "{ $username }".
email-password-reset-link = { $minutes ->
    [one] To choose a new password, open this link within { $minutes } minute. It works once:
   *[other] To choose a new password, open this link within { $minutes } minutes. It works once:
}
email-password-reset-ignore = If you did not ask for this, ignore this message: your password stays as it is.
email-password-reset-factors = Resetting the password does not change your second factors.

## phone_changed
email-phone-changed-subject = The phone number of your account was changed
email-phone-changed-body = the phone number on your account "{ $username }" was changed to { $new_phone } ({ $when }).
email-phone-changed-body-removed = the phone number on your account "{ $username }" was removed ({ $when }).
email-phone-changed-trust = Browsers you trusted to skip the second factor will ask for it again at your next sign-in. The numbers of your SMS sign-in factors have not changed.

## recovery_approval
email-recovery-approval-subject = Approve or deny a second-factor reset for { $subject }
email-recovery-approval-body = A reset of the sign-in factors of { $subject } ({ $subject_username }) was requested. As their manager you are asked to approve or deny it.
email-recovery-approval-body-delegate = A reset of the sign-in factors of { $subject } ({ $subject_username }) was requested. { $manager } is away and named you to decide in their place: you are asked to approve or deny it.
email-recovery-approval-body-chain = A reset of the sign-in factors of { $subject } ({ $subject_username }) was requested. Nobody between you and them in the chain of managers can decide (departed, or away without a delegate), so you are asked to approve or deny it.
email-recovery-approval-body-role = A reset of the sign-in factors of { $subject } ({ $subject_username }) was requested. Nobody in their chain of managers can decide, so the members of the role { $role } are asked to approve or deny it; the first decision counts.
email-recovery-approval-reason = Reason given: { $reason }
email-recovery-approval-review = Review the request
email-recovery-approval-review-terms = { $hours ->
    [one] (sign-in required; valid { $hours } hour, once).
   *[other] (sign-in required; valid { $hours } hours, once).
}
email-recovery-approval-open = { $hours ->
    [one] Open this link, sign in, check the details and decide (valid { $hours } hour, once):
   *[other] Open this link, sign in, check the details and decide (valid { $hours } hours, once):
}
email-recovery-approval-warning = If you did not expect this, deny it: someone may be trying to take over the account.

## recovery_code_used
email-recovery-code-used-subject = A recovery code was used to sign in to your { $product } account
email-recovery-code-used-body = { $remaining ->
    [one] a recovery code was just used to sign in to your account "{ $username }". { $remaining } unused code remains.
   *[other] a recovery code was just used to sign in to your account "{ $username }". { $remaining } unused codes remain.
}
email-recovery-code-used-advice = If you lost your authenticator, add a new one and create new recovery codes on your account's security page.

## recovery_done
email-recovery-done-subject = Your { $product } sign-in factors were reset — enrol a new one
email-recovery-done-body = The sign-in factors of your account "{ $username }" were reset and every session was ended.
email-recovery-done-enrol = Enrol a new factor
email-recovery-done-enrol-terms = { $hours ->
    [one] with this link and your password (valid { $hours } hour, once).
   *[other] with this link and your password (valid { $hours } hours, once).
}
email-recovery-done-enrol-text = { $hours ->
    [one] Enrol a new factor with this link and your password (valid { $hours } hour, once):
   *[other] Enrol a new factor with this link and your password (valid { $hours } hours, once):
}

## recovery_opened
email-recovery-opened-subject = A reset of your { $product } sign-in factors was requested
email-recovery-opened-body-self = A reset of the sign-in factors of your account "{ $username }" was requested after your password was entered. Your manager is asked to approve it; nothing changes before you are told again.
email-recovery-opened-body-helpdesk = A reset of the sign-in factors of your account "{ $username }" was requested by the helpdesk on your behalf. Your manager is asked to approve it; nothing changes before you are told again.
email-recovery-opened-not-you-self = If this was not you, contact your helpdesk at once and change your password: someone knows it.

## recovery_pending
email-recovery-pending-subject = Your { $product } sign-in factors will be reset — cancel if this was not you
email-recovery-pending-body = A reset of the sign-in factors of your account "{ $username }" was approved and executed by the helpdesk. It takes effect { $when }.
email-recovery-pending-if-not-you = If this was not you,
email-recovery-pending-cancel = cancel it now
email-recovery-pending-cancel-terms = (the link works once), then contact your helpdesk: someone may know your password.
email-recovery-pending-cancel-text = If this was not you, cancel it now (the link works once):
email-recovery-pending-then = Then contact your helpdesk: someone may know your password.

## sign_in_phone_changed
email-sign-in-phone-changed-subject = Your sign-in codes now go to another phone number
email-sign-in-phone-changed-body = the sign-in codes of your account "{ $username }" now go to { $new_phone }, no longer to { $old_phone } ({ $when }). The new number was confirmed with a code sent to it. Browsers you trusted to skip the second factor will ask for it again at your next sign-in.
email-sign-in-phone-changed-warning = If you did not do this, contact your helpdesk at once: someone who knows your password may have taken over your sign-in codes.

## An account provisioned by the organisation's HR system or directory, without a password yet.
email-invitation-subject = Your { $product } account is ready
email-invitation-body = your organisation has created the { $product } account "{ $username }" for you.
email-invitation-link = { $days ->
    [one] Choose your password with this link, within one day; it works once:
   *[other] Choose your password with this link, within { $days } days; it works once:
}
email-invitation-next = After choosing the password, sign in: you will be asked to set up the second factors your role requires.
email-invitation-ignore = If you did not expect this account, tell your IT department; nobody can sign in to it until a password is chosen.
email-recovery-pass-issued-subject = A helpdesk agent issued a temporary access pass for your { $product } account
email-recovery-pass-issued-body = While carrying out the approved reset of the sign-in factors of your account "{ $username }", a helpdesk agent issued a temporary access pass. Once the reset has taken effect, the pass and your password open the page to enrol a new factor — once, for a limited time — and nothing else.
email-recovery-pass-used-subject = Your { $product } temporary access pass was used
email-recovery-pass-used-body = The temporary access pass of your account "{ $username }" was used together with your password to enrol a new sign-in factor. It no longer works.

# Caller verification (issue #17): the prompt's link, and the warning when a prompt went wrong.
email-caller-verify-user-subject = { $product }: the helpdesk is verifying that it is you on the phone
email-caller-verify-manager-subject = { $product }: is { $name } on the phone with the helpdesk?
email-caller-verify-user-body = Someone at the helpdesk is verifying that they are talking to you, before resetting your sign-in factors. Open the link and pick the number the agent reads to you.
email-caller-verify-manager-body = The helpdesk is about to reset the sign-in factors of { $name } and asks you to confirm that { $name } is on the phone with them right now. Sign in, ask { $name } for the number the agent read to them, and pick it.
email-caller-verify-open = Open this link within { $minutes } minutes (it works once):
email-caller-verify-link = Answer the helpdesk
email-caller-verify-link-terms = (within { $minutes } minutes; the link works once)
email-caller-verify-user-not-you = If you are not talking to the helpdesk right now, open the link and choose "I'm not talking to the helpdesk": someone may be trying to take over your account.
email-caller-verify-manager-not-now = If { $name } is not on the phone with the helpdesk right now, open the link and answer "No".
email-caller-verify-warning-subject = { $product }: someone at the helpdesk asked to verify you — was it you?
email-caller-verify-warning-failed = Someone at the helpdesk asked to verify that they were talking to you (account "{ $username }"), to reset your sign-in factors, and the check failed.
email-caller-verify-warning-timed-out = Someone at the helpdesk asked to verify that they were talking to you (account "{ $username }"), to reset your sign-in factors, and nobody answered in time.
email-caller-verify-warning-not-you = If it wasn't you on the phone, contact your security team or helpdesk at once and say that this reset request is not yours: someone may know your password.

## sign_in_approval_refused
email-sign-in-approval-refused-subject = A sign-in to your { $product } account was refused
email-sign-in-approval-refused-body = a sign-in to your account "{ $username }" from { $browser } at { $ip } asked to be approved on another of your browsers, and it was refused there.
email-sign-in-approval-refused-mismatch = The number picked was not the one the signing-in browser showed.
email-sign-in-approval-refused-warning = Whoever started that sign-in knew your password. If it was not you, change your password now.

## sign_in_approvals_paused
email-sign-in-approvals-paused-subject = Sign-in approval requests to your { $product } account are paused
email-sign-in-approvals-paused-body = { $count } requests to approve a sign-in to your account "{ $username }" from another browser went unanswered in a row, so no more are sent for a day. If you did not ask for them, someone who knows your password is trying to sign in: change your password now.
