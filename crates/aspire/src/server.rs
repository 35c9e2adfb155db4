//! Running the web server with its background work (outbox delivery, session clean-up).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::notify::outbox;
use crate::state::AppState;
use crate::web;

/// Starts the background tasks for `state`: email delivery when SMTP is configured, formation
/// jobs, meeting reminders every minute, and the hourly removal of expired sessions.
pub fn spawn_background(state: &AppState) -> anyhow::Result<()> {
    if !state.settings.smtp_url.is_empty() {
        let transport = outbox::transport(&state.settings.smtp_url)?;
        tokio::spawn(outbox::run_worker(state.clone(), transport, Duration::from_secs(5)));
    }
    tokio::spawn(crate::jobs::run_worker(state.clone()));
    let reminders = state.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = crate::notify::reminders::send_due(&reminders).await {
                tracing::warn!(error = %e, "could not queue meeting reminders");
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    });
    let cleaner = state.clone();
    tokio::spawn(async move {
        loop {
            let now = cleaner.now();
            let settings = &cleaner.settings;
            let result = cleaner
                .store
                .delete_sessions_before(
                    now - settings.session_absolute_hours * 3600,
                    now - settings.session_idle_minutes * 60,
                )
                .await;
            if let Err(e) = result {
                tracing::warn!(error = %e, "could not remove expired sessions");
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    });
    Ok(())
}

pub async fn bind(address: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen on {address}: is another program using it? Choose another with --bind"))
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(state: AppState, listener: TcpListener) -> anyhow::Result<()> {
    spawn_background(&state)?;
    let app = web::app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await.context("the web server stopped")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
