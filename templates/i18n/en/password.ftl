# Forgotten password: asking for a link, and choosing a new password with it (also the first administrator's).
password-forgot-title = Forgot password
password-forgot-heading = Forgot your password?
password-forgot-intro = Enter your username or e-mail address. If it belongs to an account, we will e-mail a link that lets you choose a new password.
password-forgot-factors = This changes only your password. Your second factors stay as they are; if you lost one, ask your helpdesk about a factor reset.
password-forgot-identifier = Username or e-mail
password-forgot-submit = Send the link
password-back-to-sign-in = Back to sign in
password-sent-title = Check your e-mail
password-sent-body = If the name or address you entered belongs to an account, a link to choose a new password is on its way. The link works once and expires soon.
password-setup-title = Set up the administrator
password-setup-welcome = Welcome to { $product }
password-setup-intro = Choose the password for the first administrator, { $username }.
password-reset-title = Choose a new password
password-reset-intro = For the account { $username }. Afterwards every session of this account is signed out.
password-rules = At least 8 characters; long passphrases are best. Common or easily guessed passwords are refused.
password-new = New password
password-repeat = Repeat it
password-set = Set password
password-setup-done-title = Administrator ready
password-setup-done-body = The first administrator, { $username }, has a password now. Sign in with it; when administrators must have a second factor (they must, unless the policy was changed), you add one right after.
password-done-title = Password changed
password-done-body = The password of { $username } is set. Every earlier session of this account has been signed out.
password-done-devices-revoked = { $count ->
    [one] Changing the password also revoked your trusted browser, so a stolen password plus an old browser is not enough: it asks for your second factor at its next sign-in.
   *[other] Changing the password also revoked your { $count } trusted browsers, so a stolen password plus an old browser is not enough: they ask for your second factor at their next sign-in.
}
password-sign-in = Sign in

## Texts of the core shown on these pages
core-the-two-passwords-do-not-match = The two passwords do not match.
core-a-password-needs-at-least-8-characters = A password needs at least 8 characters.
core-a-password-may-have-at-most-128-characters = A password may have at most 128 characters.
core-this-password-is-too-easy-to-guess = This password is too easy to guess.
core-this-link-is-invalid-has-expired-or-has-already-been-used = This link is invalid, has expired or has already been used.
