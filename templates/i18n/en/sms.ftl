# Text messages. $product is the brand name; dates arrive already written the language's way.
sms-code = { $minutes ->
    [one] Your { $product } code is { $code }. It expires in { $minutes } minute. Never share it: we will never ask for it.
   *[other] Your { $product } code is { $code }. It expires in { $minutes } minutes. Never share it: we will never ask for it.
}
sms-sign-in-phone-changed = { $product }: sign-in codes for your account { $username } now go to { $new_phone }, no longer to this number. Not you? Contact your helpdesk at once.
sms-phone-changed = { $product }: the phone number on your account { $username } was changed to { $new_phone }. Not you? Contact your helpdesk at once.
sms-phone-removed = { $product }: the phone number on your account { $username } was removed. Not you? Contact your helpdesk at once.
sms-recovery-opened = { $product }: a reset of the second factors of your account { $username } was requested. Not you? Contact your helpdesk at once.
sms-factor-removed = { $product }: the factor "{ $factor }" was removed from your account { $username }. Not you? Contact your helpdesk at once.
sms-recovery-pending = { $product }: your second factors will be reset at { $until }. Not you? Cancel: { $link }
sms-caller-verify = { $product }: the helpdesk is verifying that it is you on the phone. Pick the number they read to you within { $minutes } min: { $link }
sms-caller-verify-warning = { $product }: someone at the helpdesk asked to verify you to reset your sign-in factors, and the check failed. Not you? Contact your security team at once.
sms-recovery-done = { $product }: the second factors of your account { $username } were reset. Enrol a new one with the link we mailed you. Not you? Contact your security team at once.
sms-recovery-pass-issued = { $product }: the helpdesk gave out a temporary access pass for your account, to enrol a new sign-in factor. Not you? Contact your security team at once.
sms-recovery-pass-used = { $product }: a temporary access pass was just used to sign in to your account to enrol a new factor. Not you? Contact your security team at once.
