//! Telling open sessions that the bridge is stopping.
//!
//! Axum's graceful shutdown waits for HTTP connections, but a WebSocket leaves hyper's
//! bookkeeping once upgraded. Each session therefore holds a [`Shutdown`]; when the bridge
//! stops, sessions say `closed` ("the bridge is shutting down") instead of vanishing, and
//! [`serve`](crate::serve) waits (bounded) until every [`Shutdown`] has been dropped.

use tokio::sync::watch;

/// A session's view of the shutdown signal.
#[derive(Debug, Clone)]
pub(crate) struct Shutdown(watch::Receiver<()>);

/// The sending side, owned by [`serve`](crate::serve).
#[derive(Debug)]
pub(crate) struct Trigger(watch::Sender<()>);

/// A connected trigger and signal.
pub(crate) fn channel() -> (Trigger, Shutdown) {
    let (tx, rx) = watch::channel(());
    (Trigger(tx), Shutdown(rx))
}

impl Shutdown {
    /// A signal that never fires, for an [`app`](crate::app) whose server lifetime is
    /// managed by the caller.
    pub(crate) fn never() -> Self {
        let (_tx, rx) = watch::channel(());
        Self(rx)
    }

    /// Completes when the bridge starts shutting down; never, for [`Shutdown::never`].
    pub(crate) async fn wait(&mut self) {
        if self.0.changed().await.is_err() {
            // The trigger was dropped without firing: nobody will ever stop this session.
            std::future::pending::<()>().await;
        }
    }
}

impl Trigger {
    /// Tells every session, present and future, to end.
    pub(crate) fn fire(&self) {
        self.0.send_replace(());
    }

    /// Completes when every [`Shutdown`] has been dropped, i.e. every session has ended.
    pub(crate) async fn sessions_ended(&self) {
        self.0.closed().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::timeout;

    #[tokio::test]
    async fn fires_for_existing_and_late_sessions() {
        let (trigger, signal) = channel();
        let mut early = signal.clone();
        trigger.fire();
        let mut late = signal.clone();
        drop(signal);
        timeout(Duration::from_secs(1), early.wait())
            .await
            .expect("early session told");
        timeout(Duration::from_secs(1), late.wait())
            .await
            .expect("late session told");
        drop((early, late));
        timeout(Duration::from_secs(1), trigger.sessions_ended())
            .await
            .expect("all sessions ended");
    }

    #[tokio::test]
    async fn never_stays_pending() {
        let mut never = Shutdown::never();
        assert!(
            timeout(Duration::from_millis(50), never.wait())
                .await
                .is_err()
        );
    }
}
