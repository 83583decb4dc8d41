# Factor-reset requests: the words the helpdesk console and the link pages share (states, factor kinds, sign-in
# methods, identity checks, the request's details), the manager's approval page, the "this wasn't me" page, the
# enrolment link, the self-service request; and the core's refusals that reach these pages.

## States of a request.
recovery-state-requested = waiting for approval
recovery-state-approved = approved, waiting for the helpdesk
recovery-state-waiting = in its cooling-off period
recovery-state-done = done
recovery-state-denied = denied
recovery-state-cancelled = cancelled
recovery-state-expired = expired

## Kinds of factor.
recovery-kind-totp = authenticator app
recovery-kind-webauthn = security key or passkey
recovery-kind-sms = text message
recovery-kind-oath_token = hardware token
recovery-kind-recovery_code = recovery codes

## Sign-in methods (amr) of the person who decided.
recovery-amr-pwd = password
recovery-amr-otp = one-time code
recovery-amr-sms = code by text message
recovery-amr-hwk = security key
recovery-amr-swk = passkey
recovery-amr-rc = recovery code
recovery-amr-device = trusted browser (second step skipped)
recovery-amr-none = not recorded (command line or admin API)

## Identity checks an agent records (installations may configure others; those are shown by their name).
recovery-check-callback_to_number_on_file = called back on the number on file
recovery-check-employee_id = employee ID
recovery-check-hr_question = HR question

## A request's details.
recovery-details-user = User
recovery-details-factors = Factors to reset
recovery-details-reason = Reason
recovery-details-opened-by = Opened by
recovery-details-opened-at = Opened at
recovery-details-from = From
recovery-details-path = Recovery path
recovery-path-approval = approved by the manager, executed by the helpdesk
recovery-path-two-admins = approved by one administrator, executed by another
recovery-details-state = State
recovery-details-takes-effect = Takes effect
recovery-factors-all = all factors, recovery codes included
recovery-factor-named = { $kind } “{ $name }”
recovery-factor-gone = a factor removed since
recovery-opened-by-self = the user themselves, after their password

## The manager's approval page.
recovery-approve-title = Approve a factor reset
recovery-approve-heading = Approve or deny a factor reset
recovery-approve-as-manager = You are asked because you are the manager of { $name }.
recovery-approve-as-delegate = You are asked because the manager of { $name } is away and named you to decide in their place.
recovery-approve-as-chain = You are asked because you are above { $name } in the chain of managers, and nobody between you can decide (departed, or away without a delegate).
recovery-approve-as-role = You are asked because nobody in the chain of managers of { $name } can decide, and you hold the role that approves in that case.
recovery-approve-as-override = This request was not sent to you. As an administrator you may decide in the place of the person it was sent to, or of nobody when nobody could be asked (see who was asked below), and you must say why.
recovery-approve-why-sign-in = You were asked to sign in so that the decision is really yours: a reset takes away the factors that protect someone's account, so it needs the approval of a person who knows them, given from their own account.
recovery-approve-what-heading = What approving does
recovery-approve-what-checks = The helpdesk checks the identity of { $name } before it carries out the reset.
recovery-approve-what-removed = After a cooling-off period the factors listed below are removed, and every session of { $name } ends.
recovery-approve-what-enrol = { $name } then sets up new factors with a link mailed to them, which works only together with their password.
recovery-approve-what-notices = { $name } has been told of this request, and is told again on every channel they have (e-mail, text message) before the reset takes effect, with a link to stop it.
recovery-approve-only-if = Only approve if you have spoken to this person yourself and you expect this request.
recovery-approve-note-override = Why you decide in the approver's place (required)
recovery-approve-submit = Approve the reset
recovery-approve-deny-heading = Not expected?
recovery-approve-deny-text = Deny if you did not expect this request or cannot vouch for the person. Nothing changes on their account.
recovery-approve-deny-submit = Deny the reset
recovery-approve-need-factor = Your role requires a second factor to decide this. Add one under Account › Sign-in security, then open the link again.

## Who was asked to approve (the approval route), on the approval page and the console's request page.
recovery-route-heading = Who was asked to approve
recovery-route-table = The approval route
recovery-route-col-person = Person
recovery-route-col-as = Looked at as
recovery-route-col-outcome = Outcome
recovery-route-as-manager = the user's manager
recovery-route-as-delegate = delegate of { $name }
recovery-route-as-chain = further up the chain of managers
recovery-route-as-role = member of the role { $role }
recovery-route-asked = asked to approve
recovery-route-skip-no_manager = the user has no manager
recovery-route-skip-missing = skipped: no such account
recovery-route-skip-disabled = skipped: disabled (departed)
recovery-route-skip-absent = skipped: away
recovery-route-skip-subject = skipped: the user themselves
recovery-route-skip-requester = skipped: opened the request
recovery-route-skip-reports_to_subject = skipped: managed by the user
recovery-route-skip-admin_required = skipped: not an administrator
recovery-route-skip-cycle = stopped: the managers form a cycle
recovery-route-skip-too_deep = stopped: the chain of managers is too long
recovery-route-nobody = Nobody could be asked: an administrator decides in the approver's place, with a reason.
recovery-route-before = This request was opened before approvals were routed: the user's manager decides.

## After the decision.
recovery-decided-approved = Reset approved
recovery-decided-denied = Reset denied
recovery-decided-approved-next = The helpdesk now checks the identity of { $name } and carries out the reset. { $name } is told before it takes effect and can still stop it.
recovery-decided-denied-next = Nothing changes on the account of { $name }. The helpdesk sees your decision.

## "This wasn't me": the cancel link from the notice.
recovery-cancel-title = Cancel the factor reset
recovery-cancel-heading = This wasn't me
recovery-cancel-intro = A reset of your sign-in factors is waiting to take effect. Cancel it if you did not ask for it.
recovery-cancel-submit = Cancel the reset
recovery-cancelled-title = Factor reset cancelled
recovery-cancelled-heading = Reset cancelled
recovery-cancelled-text = Your sign-in factors stay as they are. Contact your helpdesk: someone may know your password, so change it.

## The enrolment link after a reset.
recovery-enrol-title = Enrol a new factor
recovery-enrol-heading = Enrol a new sign-in factor
recovery-enrol-intro = Your factors were reset. Confirm it is you with your password; then you can add a new factor, and nothing else.
recovery-enrol-password = Password
recovery-enrol-continue = Continue
recovery-enrol-wrong-password = That password is not right.

## The user's own request, from the second-factor page.
recovery-requested-title = Factor reset requested
recovery-requested-heading = Request sent
recovery-requested-text = Your request to reset your sign-in factors was recorded. Your manager (or whoever stands in for them) is asked to approve it; then the helpdesk checks your identity and carries it out. After a waiting period, you receive a link to enrol a new factor.
recovery-requested-text-admins = Your request to reset your sign-in factors was recorded. Your role has it approved by an administrator and carried out by a different administrator, who checks your identity first. After a waiting period, you receive a link to enrol a new factor.
recovery-requested-single-channel = We can tell you about this request at one address only: add a phone number or a second way to reach you once you are signed in again.
recovery-requested-nothing-yet = Nothing changes until then, and you will be told on every channel you have before it takes effect.
recovery-requested-not-sent = Request not sent
recovery-requested-back = Back

## Errors of these pages.
recovery-error-link = This link is invalid, has expired or has already been used.
recovery-error-choose-decision = Choose approve or deny.
recovery-error-no-request = There is no such factor-reset request.

## The core's refusals (their English text is the core's; see docs/languages.md).
core-a-reason-is-required = A reason is required.
core-a-reason-has-at-most-500-characters-and-no-control-characters = A reason has at most 500 characters and no control characters.
core-open-a-request-for-your-own-factors-from-the-second-factor-page-after-your-p = Open a request for your own factors from the second-factor page after your password, not as an agent.
core-only-helpdesk-agents-and-administrators-open-requests-for-someone-else = Only helpdesk agents and administrators open requests for someone else.
core-nobody-approves-a-reset-of-their-own-factors = Nobody approves a reset of their own factors.
core-the-person-who-opened-a-request-cannot-also-approve-it = The person who opened a request cannot also approve it.
core-a-reset-of-an-administrator-s-or-helpdesk-agent-s-factors-must-be-approved-b = A reset of an administrator's or helpdesk agent's factors must be approved by an administrator.
core-this-request-was-not-sent-to-you-state-why-you-approve-in-the-approver-s-pl = This request was not sent to you: state why you approve in the approver's place.
core-only-the-approver-this-request-was-sent-to-or-an-administrator-with-a-reaso = Only the approver this request was sent to (or an administrator, with a reason) may decide.
core-nobody-approves-a-reset-of-someone-who-manages-them-directly-or-further-up = Nobody approves a reset of someone who manages them, directly or further up.
core-only-helpdesk-agents-and-administrators-execute-resets = Only helpdesk agents and administrators execute resets.
core-nobody-executes-a-reset-of-their-own-factors = Nobody executes a reset of their own factors.
core-the-person-who-opened-a-request-cannot-also-execute-it = The person who opened a request cannot also execute it.
core-the-person-who-approved-a-request-cannot-also-execute-it = The person who approved a request cannot also execute it.
core-only-an-administrator-executes-a-reset-of-an-administrator-s-or-helpdesk-ag = Only an administrator executes a reset of an administrator's or helpdesk agent's factors.
core-record-which-identity-checks-the-user-passed-before-executing-a-reset = Record which identity checks the user passed before executing a reset.
core-choose-the-factors-to-reset-or-all-of-them = Choose the factors to reset, or all of them.
core-this-account-has-no-second-factor-to-reset = This account has no second factor to reset.
core-this-account-has-no-such-factor-choose-among-the-factors-it-has = This account has no such factor: choose among the factors it has.
core-a-factor-reset-for-this-account-is-already-under-way = A factor reset for this account is already under way.
core-this-request-was-decided-cancelled-or-has-expired-it-can-no-longer-be-decid = This request was decided, cancelled or has expired; it can no longer be decided.
core-this-request-was-decided-a-moment-ago-by-someone-else = This request was decided a moment ago by someone else.
core-your-role-requires-a-second-factor-for-this-confirm-your-sign-in-with-one-t = Your role requires a second factor for this: confirm your sign-in with one, then decide.
core-only-an-approved-request-can-be-executed = Only an approved request can be executed.
core-this-request-changed-a-moment-ago-reload-it = This request changed a moment ago; reload it.
core-only-the-user-a-helpdesk-agent-or-an-administrator-cancels-a-request = Only the user, a helpdesk agent or an administrator cancels a request.
core-this-request-is-closed-and-can-no-longer-be-cancelled = This request is closed and can no longer be cancelled.
recovery-pass-title = Temporary access pass
recovery-pass-heading = Enrol a new factor with a temporary access pass
recovery-pass-intro = The helpdesk gave you a temporary access pass after your factor reset was approved. With it and your password you can add a new sign-in factor, once, and nothing else.
recovery-pass-username = Username or e-mail address
recovery-pass-pass = Temporary access pass
recovery-pass-password = Password
recovery-pass-continue = Continue
recovery-pass-wrong = That did not work: the pass or the password is not right, or the pass was used, has expired or is not valid yet.

# Caller verification: the core's refusals.
core-only-helpdesk-agents-and-administrators-verify-callers = Only helpdesk agents and administrators verify callers.
core-nobody-verifies-themselves-as-a-caller = Nobody verifies themselves as a caller.
core-only-an-administrator-verifies-the-caller-of-an-administrator-s-or-helpdesk = Only an administrator verifies the caller of an administrator's or helpdesk agent's reset.
core-the-person-who-approved-a-request-cannot-also-override-its-caller-verificat = The person who approved a request cannot also override its caller verification.
core-the-person-who-opened-a-request-cannot-also-override-its-caller-verificatio = The person who opened a request cannot also override its caller verification.
core-you-recorded-this-request-s-override-another-agent-executes-it = You recorded this request's override: another agent executes it.
core-the-caller-is-not-verified-as-this-account-s-policy-requires-send-a-prompt-o = The caller is not verified as this account's policy requires: send a prompt, or have a second agent record an override.
core-callers-are-verified-while-a-request-is-approved-before-it-is-executed = Callers are verified while a request is approved, before it is executed.
core-this-user-has-no-manager-to-ask = This user has no manager to ask.
core-there-is-no-phone-number-on-file-to-text-send-the-prompt-by-mail = There is no phone number on file to text: send the prompt by mail.
core-pick-one-of-the-three-numbers-on-the-page = Pick one of the three numbers on the page.
core-only-an-approved-request-s-caller-verification-can-be-overridden = Only an approved request's caller verification can be overridden.
core-this-request-s-caller-verification-was-overridden-already = This request's caller verification was overridden already.

# The caller-verification prompt page.
recovery-verify-title = Is it you on the phone?
recovery-verify-user-heading = Someone at the helpdesk is verifying you
recovery-verify-user-text = Someone at the helpdesk is verifying that they are talking to you before resetting your sign-in factors. Pick the number the agent read to you.
recovery-verify-manager-heading = Is { $name } on the phone with the helpdesk right now?
recovery-verify-manager-text = The helpdesk is about to reset the sign-in factors of { $name }. Ask { $name } for the number the agent read to them, and pick it here.
recovery-verify-pick = The number the agent read out
recovery-verify-once = You can answer once: a wrong number counts as a failed check.
recovery-verify-user-no = I'm not talking to the helpdesk
recovery-verify-manager-no = No, { $name } is not on the phone with the helpdesk
recovery-verify-not-for-you = This question was sent to someone else. Sign in as the person it was sent to.
recovery-verify-error-choose = Pick one of the three numbers, or say it is not you.
recovery-verified-title = Thank you
recovery-verified-passed = Your answer was passed to the helpdesk. You can close this page.
recovery-verified-mismatch = That was not the number the agent read out. The helpdesk will not go ahead on this check, and the account holder is warned.
recovery-verified-failed-user = The helpdesk will not go ahead on this check. If someone is trying to reset your factors in your name, contact your security team at once.
recovery-verified-failed-manager = The helpdesk will not go ahead on this check, and the account holder is warned.
recovery-verify-code = Code from your authenticator app (you still have it: confirm with it, then pick the number)
recovery-verify-passkey = You still have a security key or passkey: confirm with it first, then pick the number.
recovery-verify-passkey-button = Confirm with my security key or passkey
recovery-verify-passkey-done = Confirmed. Now pick the number the agent read to you.
recovery-verify-passkey-failed = Your security key or passkey did not answer. Try again, or use your authenticator app.
recovery-verify-code-instead = Or the code from your authenticator app
