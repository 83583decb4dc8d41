//! The first-party pages (sign-in, account, helpdesk, recovery, the admin console): parse the request, call the core, render the
//! answer. Handlers stay thin; rules live in `core`; the shared HTTP kit (state, forms, CSRF, cookies, errors)
//! is `http`. Only the admin console (`admin`) also calls `protocols` (clients, service providers, keys).
mod absence;
mod account;
mod admin;
mod approval;
mod apps;
mod caller_verify;
pub(crate) mod devices;
mod health;
mod helpdesk;
mod helpdesk_search;
pub(crate) mod login;
pub(crate) mod notices;
mod passkeys;
mod password;
mod recovery;
mod recovery_view;
mod second_factor;
mod security;
mod sessions;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/static/gatehouse.css", web::get().to(crate::http::pages::stylesheet))
        .route("/brand/theme.css", web::get().to(crate::http::brand::theme))
        .route("/brand/logo", web::get().to(crate::http::brand::logo))
        .route("/language/{code}", web::get().to(crate::http::locale::switch))
        .route("/", web::get().to(account::home))
        .route("/login", web::get().to(login::show))
        .route("/login", web::post().to(login::submit))
        .route("/logout", web::post().to(login::logout))
        .route("/login/factor", web::get().to(second_factor::show))
        .route("/login/factor", web::post().to(second_factor::submit))
        .route("/login/factor/sms", web::post().to(second_factor::send_sms))
        .route(
            "/login/factor/webauthn/options",
            web::post().to(passkeys::second_factor_options),
        )
        .route("/login/factor/webauthn", web::post().to(passkeys::second_factor))
        .route("/login/approval", web::get().to(approval::show))
        .route("/login/approval", web::post().to(approval::ask))
        .route("/login/approval/status", web::get().to(approval::status))
        .route("/login/approval/finish", web::post().to(approval::finish))
        .route("/account/approvals", web::get().to(approval::list))
        .route("/account/approvals/count", web::get().to(approval::count))
        .route("/account/approvals/answer", web::post().to(approval::answer))
        .route("/login/passkey/options", web::post().to(passkeys::passwordless_options))
        .route("/login/passkey", web::post().to(passkeys::passwordless))
        .route("/static/webauthn.js", web::get().to(crate::http::pages::script))
        .route(
            "/static/approval.js",
            web::get().to(crate::http::pages::approval_script),
        )
        .route("/account", web::get().to(account::show))
        .route("/account/away", web::post().to(absence::away))
        .route("/account/back", web::post().to(absence::back))
        .route("/account/devices/revoke", web::post().to(devices::revoke))
        .route("/account/devices/revoke-all", web::post().to(devices::revoke_all))
        .route("/account/sessions", web::get().to(sessions::show))
        .route("/account/sessions/end", web::post().to(sessions::end))
        .route("/account/sessions/end-others", web::post().to(sessions::end_others))
        .route("/account/apps", web::get().to(apps::show))
        .route("/account/apps/revoke", web::post().to(apps::revoke))
        .route("/account/security", web::get().to(security::show))
        .route("/account/security/totp", web::get().to(security::totp_start))
        .route("/account/security/totp", web::post().to(security::totp_confirm))
        .route("/account/security/webauthn", web::get().to(security::webauthn_page))
        .route(
            "/account/security/webauthn/options",
            web::post().to(passkeys::register_options),
        )
        .route(
            "/account/security/webauthn/register",
            web::post().to(passkeys::register),
        )
        .route("/account/security/token", web::get().to(security::token_start))
        .route("/account/security/token", web::post().to(security::token_bind))
        .route("/account/security/sms", web::get().to(security::sms_start))
        .route("/account/security/sms", web::post().to(security::sms_send))
        .route("/account/security/sms/confirm", web::post().to(security::sms_confirm))
        .route(
            "/account/security/recovery-codes",
            web::post().to(security::recovery_codes),
        )
        .route("/account/security/remove", web::post().to(security::remove))
        .route("/password/forgot", web::get().to(password::forgot_form))
        .route("/password/forgot", web::post().to(password::forgot_submit))
        .route("/password/reset", web::get().to(password::reset_form))
        .route("/password/reset", web::post().to(password::reset_submit))
        .route("/login/factor/recovery", web::post().to(recovery::request_self))
        .route("/recovery/approve", web::get().to(recovery::approve_page))
        .route("/recovery/approve", web::post().to(recovery::approve_submit))
        .route("/recovery/cancel", web::get().to(recovery::cancel_page))
        .route("/recovery/cancel", web::post().to(recovery::cancel_submit))
        .route("/recovery/enrol", web::get().to(recovery::enrol_page))
        .route("/recovery/enrol", web::post().to(recovery::enrol_submit))
        .route("/recovery/pass", web::get().to(recovery::pass_page))
        .route("/recovery/pass", web::post().to(recovery::pass_submit))
        .route("/recovery/verify", web::get().to(caller_verify::prompt_page))
        .route("/recovery/verify", web::post().to(caller_verify::prompt_submit))
        .route(
            "/recovery/verify/webauthn/options",
            web::post().to(caller_verify::passkey_options),
        )
        .route("/helpdesk", web::get().to(helpdesk::queue))
        .route("/helpdesk/request", web::get().to(helpdesk::show))
        .route("/helpdesk/users", web::get().to(helpdesk_search::users))
        .route("/helpdesk/open", web::get().to(helpdesk_search::open_form))
        .route("/helpdesk/open", web::post().to(helpdesk_search::open))
        .route("/helpdesk/execute", web::post().to(helpdesk::execute))
        .route("/helpdesk/cancel", web::post().to(helpdesk::cancel))
        .route("/helpdesk/decide", web::post().to(helpdesk::decide))
        .route("/helpdesk/verify", web::post().to(caller_verify::send))
        .route(
            "/helpdesk/verify/override",
            web::post().to(caller_verify::record_override),
        )
        .configure(admin::routes);
}
