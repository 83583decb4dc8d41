//! `gatehouse client …`: OpenID Connect relying parties.
use clap::{Args, Subcommand};
use serde_json::json;

use super::{CliError, print};
use crate::app;
use crate::config::Config;
use crate::core::audit::Origin;
use crate::core::clock::{Clock, SystemClock};
use crate::core::store::OidcStore;
use crate::protocols::oidc::clients::{self, ClientChanges, NewClient};

#[derive(Subcommand, Debug)]
pub enum ClientCommand {
    /// Register a client; a confidential client's secret is printed once.
    Add(Box<AddClient>),
    /// List clients.
    List,
    /// Show one client.
    Show { client_id: String },
    /// Remove a client.
    Remove { client_id: String },
    /// Replace a confidential client's secret (printed once).
    RotateSecret { client_id: String },
    /// Change a client's redirect URIs, post-logout redirect URIs, name, logo, policy or terms address, or
    /// whether it must use PAR or DPoP; a list given replaces the current one, an empty value ('') removes a name or
    /// address.
    Update(UpdateClient),
}

#[derive(Args, Debug)]
pub struct UpdateClient {
    pub client_id: String,
    /// A redirect URI (repeatable): together they replace the current list.
    #[arg(long = "redirect-uri")]
    pub redirect_uris: Vec<String>,
    /// Remove every redirect URI (refused while the client has the authorization_code grant).
    #[arg(long, conflicts_with = "redirect_uris")]
    pub clear_redirect_uris: bool,
    /// A post-logout redirect URI (repeatable): together they replace the current list.
    #[arg(long = "post-logout-redirect-uri")]
    pub post_logout_redirect_uris: Vec<String>,
    /// Remove every post-logout redirect URI.
    #[arg(long, conflicts_with = "post_logout_redirect_uris")]
    pub clear_post_logout_redirect_uris: bool,
    /// From now on the client must push its authorization requests to /par (RFC 9126).
    #[arg(long, conflicts_with = "no_require_par")]
    pub require_par: bool,
    /// The client may send plain authorization requests again (unless the server requires PAR of everyone).
    #[arg(long)]
    pub no_require_par: bool,
    /// From now on the client's token requests must carry a DPoP proof (RFC 9449): its tokens are bound to its key.
    #[arg(long, conflicts_with = "no_require_dpop")]
    pub require_dpop: bool,
    /// The client may ask for tokens without a DPoP proof again (bearer tokens).
    #[arg(long)]
    pub no_require_dpop: bool,
    /// A resource server (RFC 8707 resource indicator, absolute URI; repeatable) the client may ask access tokens
    /// for: together they replace the current list.
    #[arg(long = "allow-resource")]
    pub allowed_resources: Vec<String>,
    /// The client may no longer ask tokens for any resource.
    #[arg(long, conflicts_with = "allowed_resources")]
    pub clear_allowed_resources: bool,
    #[command(flatten)]
    pub presentation: Presentation,
}

/// How a client presents itself to people (on the consent page and error pages).
#[derive(Args, Debug)]
pub struct Presentation {
    /// The name people see instead of the client id (at most 100 characters); '' removes it.
    #[arg(long = "name")]
    pub client_name: Option<String>,
    /// A logo shown on the consent page: https (http only on localhost); '' removes it.
    #[arg(long)]
    pub logo_uri: Option<String>,
    /// The client's privacy policy, linked from the consent page: https (http only on localhost); '' removes it.
    #[arg(long)]
    pub policy_uri: Option<String>,
    /// The client's terms of service, linked from the consent page: https (http only on localhost); '' removes it.
    #[arg(long)]
    pub tos_uri: Option<String>,
}

impl UpdateClient {
    fn changes(self) -> ClientChanges {
        let list = |given: Vec<String>, clear: bool| (clear || !given.is_empty()).then_some(given);
        let Presentation {
            client_name,
            logo_uri,
            policy_uri,
            tos_uri,
        } = self.presentation;
        ClientChanges {
            redirect_uris: list(self.redirect_uris, self.clear_redirect_uris),
            post_logout_redirect_uris: list(self.post_logout_redirect_uris, self.clear_post_logout_redirect_uris),
            allowed_resources: list(self.allowed_resources, self.clear_allowed_resources),
            client_name: client_name.map(Some),
            logo_uri: logo_uri.map(Some),
            policy_uri: policy_uri.map(Some),
            tos_uri: tos_uri.map(Some),
            require_par: match (self.require_par, self.no_require_par) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
            require_dpop: match (self.require_dpop, self.no_require_dpop) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
        }
    }
}

#[derive(Args, Debug)]
pub struct AddClient {
    pub client_id: String,
    /// A redirect URI (repeatable), compared exactly.
    #[arg(long = "redirect-uri")]
    pub redirect_uris: Vec<String>,
    /// A public client (no secret; PKCE required).
    #[arg(long)]
    pub public: bool,
    #[arg(long = "post-logout-redirect-uri")]
    pub post_logout_redirect_uris: Vec<String>,
    /// client_secret_basic (default), client_secret_post, private_key_jwt (with --jwks), or none (public clients).
    #[arg(long)]
    pub auth_method: Option<String>,
    /// The client's public keys for private_key_jwt: a JWK Set as JSON, or @FILE to read it from a file.
    #[arg(long)]
    pub jwks: Option<String>,
    /// The algorithm of the tokens it receives: ES256 (default), RS256 or EdDSA.
    #[arg(long)]
    pub signing_alg: Option<String>,
    /// Where logout tokens are POSTed when a session that signed in to this client ends (back-channel logout).
    #[arg(long)]
    pub backchannel_logout_uri: Option<String>,
    /// A grant (repeatable): authorization_code, refresh_token, client_credentials, or
    /// urn:ietf:params:oauth:grant-type:device_code (CLIs and mail clients signing in through the browser).
    /// Default: authorization_code and refresh_token.
    #[arg(long = "grant")]
    pub grants: Vec<String>,
    /// The lowest assurance level every sign-in for this client must reach (urn:gatehouse:acr:password, …:mfa or
    /// …:phishing-resistant), applied like acr_values on each authorization.
    #[arg(long)]
    pub min_acr: Option<String>,
    /// A first-party client: no consent page.
    #[arg(long)]
    pub trusted: bool,
    /// admin, helpdesk or auditor: the role this client's client_credentials tokens act with at the admin API
    /// (/api/v1); scim: a provisioning system, at /scim/v2 only; ssf: a Shared Signals receiver, its stream at
    /// /ssf only. Needs --grant client_credentials.
    #[arg(long)]
    pub service_role: Option<String>,
    /// A scope beyond OpenID's the client may ask for on a person's behalf (repeatable): gatehouse:admin lets an
    /// administrator's or helpdesk agent's own access token call the admin API.
    #[arg(long = "allow-scope")]
    pub extra_scopes: Vec<String>,
    /// The client must push its authorization requests to /par first (RFC 9126); a plain /authorize is refused.
    #[arg(long)]
    pub require_par: bool,
    /// The client's token requests must carry a DPoP proof (RFC 9449); without one they are refused.
    #[arg(long)]
    pub require_dpop: bool,
    /// A resource server (RFC 8707 resource indicator, absolute URI; repeatable) the client may ask access tokens
    /// for with `resource`; such a token has that resource as its only audience.
    #[arg(long = "allow-resource")]
    pub allowed_resources: Vec<String>,
    #[command(flatten)]
    pub presentation: Presentation,
}

fn or_none(list: &[String]) -> String {
    if list.is_empty() { "none".into() } else { list.join(" ") }
}

pub async fn run(config: &Config, command: ClientCommand, json: bool) -> Result<(), CliError> {
    let store = app::open_store(config).await.map_err(|e| CliError(format!("{e:#}")))?;
    let now = SystemClock.now();
    let origin = Origin::cli();
    match command {
        ClientCommand::Add(args) => {
            let jwks = match args.jwks {
                Some(path) if path.starts_with('@') => Some(
                    std::fs::read_to_string(&path[1..])
                        .map_err(|e| CliError(format!("reading {}: {e}", &path[1..])))?,
                ),
                other => other,
            };
            let (client, secret) = clients::register(
                &store,
                now,
                &origin,
                NewClient {
                    client_id: args.client_id,
                    redirect_uris: args.redirect_uris,
                    post_logout_redirect_uris: args.post_logout_redirect_uris,
                    public: args.public,
                    auth_method: args.auth_method,
                    grants: args.grants,
                    trusted: args.trusted,
                    signing_alg: args.signing_alg,
                    jwks,
                    backchannel_logout_uri: args.backchannel_logout_uri,
                    min_acr: args.min_acr,
                    service_role: args.service_role,
                    extra_scopes: args.extra_scopes,
                    client_name: args.presentation.client_name,
                    logo_uri: args.presentation.logo_uri,
                    policy_uri: args.presentation.policy_uri,
                    tos_uri: args.presentation.tos_uri,
                    require_par: args.require_par,
                    require_dpop: args.require_dpop,
                    allowed_resources: args.allowed_resources,
                },
            )
            .await?;
            let text = match &secret {
                Some(secret) => format!("Registered {}. Its secret (shown once): {secret}", client.client_id),
                None => format!("Registered public client {}.", client.client_id),
            };
            print(
                json,
                &json!({
                    "client_id": client.client_id, "client_secret": secret, "service_role": client.service_role,
                    "client_name": client.client_name,
                }),
                &text,
            );
        }
        ClientCommand::List => {
            let list = store.list_clients().await?;
            let text = list
                .iter()
                .map(|c| {
                    format!(
                        "{:<32} {:<20} {}",
                        c.client_id,
                        c.auth_method.as_str(),
                        c.redirect_uris.join(" ")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            print(json, &serde_json::to_value(&list)?, &text);
        }
        ClientCommand::Show { client_id } => {
            let client = store
                .client(&client_id)
                .await?
                .ok_or_else(|| CliError(format!("client '{client_id}' not found")))?;
            print(
                json,
                &serde_json::to_value(&client)?,
                &serde_json::to_string_pretty(&client)?,
            );
        }
        ClientCommand::Remove { client_id } => {
            clients::remove(&store, now, &origin, &client_id).await?;
            print(
                json,
                &json!({ "client_id": client_id, "removed": true }),
                &format!("Removed {client_id}."),
            );
        }
        ClientCommand::Update(args) => {
            let client_id = args.client_id.clone();
            let client = clients::update(&store, now, &origin, &client_id, args.changes()).await?;
            print(
                json,
                &serde_json::to_value(&client)?,
                &format!(
                    "Updated {client_id}: redirect URIs {}; post-logout redirect URIs {}; name {}; logo {}; \
                     policy {}; terms {}; PAR required {}; DPoP required {}; resources {}.",
                    or_none(&client.redirect_uris),
                    or_none(&client.post_logout_redirect_uris),
                    client.client_name.as_deref().unwrap_or("none"),
                    client.logo_uri.as_deref().unwrap_or("none"),
                    client.policy_uri.as_deref().unwrap_or("none"),
                    client.tos_uri.as_deref().unwrap_or("none"),
                    if client.require_par { "yes" } else { "no" },
                    if client.require_dpop { "yes" } else { "no" },
                    or_none(&client.allowed_resources),
                ),
            );
        }
        ClientCommand::RotateSecret { client_id } => {
            let secret = clients::rotate_secret(&store, now, &origin, &client_id).await?;
            print(
                json,
                &json!({ "client_id": client_id, "client_secret": secret }),
                &format!("New secret for {client_id} (shown once): {secret}"),
            );
        }
    }
    Ok(())
}
