//! Single sign-on with OpenID Connect (the `openidconnect` crate): the authorization code flow
//! with PKCE, a state and a nonce, and the ID token verified against the keys the provider
//! publishes (signature, issuer, audience, expiry, nonce, access token hash). Who the verified
//! person is here is decided in `app::sso`.

use std::time::Duration;

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, reqwest,
};
use tokio::sync::Mutex;

use crate::config::Settings;

/// The provider's description (endpoints and signing keys) is fetched again after this long, so
/// keys the provider rotates are picked up.
const METADATA_SECONDS: i64 = 300;

/// Why a single sign-on did not sign anyone in, in words for the person and the log.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("single sign-on is not set up here")]
    NotConfigured,
    #[error("the sign-in provider {issuer} could not be used: {detail}")]
    Provider { issuer: String, detail: String },
    #[error("the sign-in provider did not accept the sign-in code: {0}")]
    Exchange(String),
    #[error("the sign-in provider's answer could not be verified: {0}")]
    Token(String),
}

/// What the browser is sent to the provider with, and what must be kept to check its answer.
pub struct Begun {
    pub authorize_url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// A person the provider vouched for, checked.
#[derive(Debug, Clone)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// The configured provider, with its description kept for a few minutes.
pub struct Sso {
    http: reqwest::Client,
    metadata: Mutex<Option<(CoreProviderMetadata, i64)>>,
}

impl Default for Sso {
    fn default() -> Sso {
        // No redirects: a provider's endpoint must answer itself (the crate's advice against
        // being led to other addresses).
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Sso { http, metadata: Mutex::new(None) }
    }
}

impl Sso {
    async fn metadata(&self, settings: &Settings, now: i64) -> Result<CoreProviderMetadata, SsoError> {
        if !settings.sso_enabled() {
            return Err(SsoError::NotConfigured);
        }
        let mut cached = self.metadata.lock().await;
        if let Some((metadata, fetched_at)) = cached.as_ref()
            && now - fetched_at < METADATA_SECONDS
            && now >= *fetched_at
        {
            return Ok(metadata.clone());
        }
        let provider = |detail: String| SsoError::Provider { issuer: settings.sso_issuer.clone(), detail };
        let issuer = IssuerUrl::new(settings.sso_issuer.clone()).map_err(|e| provider(e.to_string()))?;
        let metadata =
            CoreProviderMetadata::discover_async(issuer, &self.http).await.map_err(|e| provider(describe(&e)))?;
        *cached = Some((metadata.clone(), now));
        Ok(metadata)
    }

    async fn client(
        &self,
        settings: &Settings,
        now: i64,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        SsoError,
    > {
        let metadata = self.metadata(settings, now).await?;
        let secret = Some(settings.sso_client_secret.clone()).filter(|s| !s.is_empty()).map(ClientSecret::new);
        let redirect = RedirectUrl::new(redirect_uri(settings)).map_err(|e| SsoError::Provider {
            issuer: settings.sso_issuer.clone(),
            detail: format!("public_url: {e}"),
        })?;
        Ok(CoreClient::from_provider_metadata(metadata, ClientId::new(settings.sso_client_id.clone()), secret)
            .set_redirect_uri(redirect))
    }

    /// Where to send the browser, with a fresh state, nonce and PKCE challenge.
    pub async fn begin(&self, settings: &Settings, now: i64) -> Result<Begun, SsoError> {
        let client = self.client(settings, now).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Begun {
            authorize_url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Trades the provider's code for tokens and checks them; `now` is the time the ID token's
    /// expiry is checked against. Email and name come from the ID token or, when a provider
    /// keeps them for its userinfo endpoint, from there (for the same subject).
    pub async fn finish(
        &self,
        settings: &Settings,
        now: i64,
        code: String,
        nonce: String,
        pkce_verifier: String,
    ) -> Result<Identity, SsoError> {
        let client = self.client(settings, now).await?;
        let token = |detail: String| SsoError::Token(detail);
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| SsoError::Exchange(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| SsoError::Exchange(describe(&e)))?;
        let id_token = response.id_token().ok_or_else(|| token("it sent no ID token".into()))?;
        let clock = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default();
        let verifier = client.id_token_verifier().set_time_fn(move || clock);
        let claims = id_token.claims(&verifier, &Nonce::new(nonce)).map_err(|e| token(e.to_string()))?;
        if let Some(expected) = claims.access_token_hash() {
            let algorithm = id_token.signing_alg().map_err(|e| token(e.to_string()))?;
            let key = id_token.signing_key(&verifier).map_err(|e| token(e.to_string()))?;
            let actual = AccessTokenHash::from_token(response.access_token(), algorithm, key)
                .map_err(|e| token(e.to_string()))?;
            if actual != *expected {
                return Err(token("the access token is not the one the ID token was issued with".into()));
            }
        }
        let mut identity = Identity {
            issuer: settings.sso_issuer.clone(),
            subject: claims.subject().to_string(),
            email: claims.email().map(|e| e.to_string()),
            email_verified: claims.email_verified().unwrap_or(false),
            name: claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
        };
        if identity.email.is_none() {
            let request = client
                .user_info(response.access_token().clone(), Some(claims.subject().clone()))
                .map_err(|e| token(e.to_string()));
            if let Ok(request) = request {
                let info: CoreUserInfoClaims =
                    request.request_async(&self.http).await.map_err(|e| token(describe(&e)))?;
                identity.email = info.email().map(|e| e.to_string());
                identity.email_verified = info.email_verified().unwrap_or(false);
                identity.name = identity.name.or_else(|| info.name().and_then(|n| n.get(None)).map(|n| n.to_string()));
            }
        }
        Ok(identity)
    }
}

/// The address the provider sends the browser back to; registered with the provider.
pub fn redirect_uri(settings: &Settings) -> String {
    format!("{}/login/sso/callback", settings.public_url())
}

/// An error with its causes, for a provider's answer the crate wraps more than once.
fn describe(error: &dyn std::error::Error) -> String {
    let mut words = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        words.push_str(": ");
        words.push_str(&cause.to_string());
        source = cause.source();
    }
    words
}
