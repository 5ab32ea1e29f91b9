//! The session's tracing span, kept out of the relay loop's polls.
//!
//! tracing's `Instrumented` enters its span on every poll of the future. For a session that
//! is every wake-up of the relay loop, two or three per round trip, and entering and
//! leaving the span goes through the subscriber (its span stack, the slab of spans, the
//! per-layer filter, `EnvFilter`'s lock): about a twelfth of the relay's instructions per
//! round trip (bench/README.md, "relay"). The loop itself logs nothing on that path. So
//! [`SessionSpan::enter_unless_quiet`] enters the span on every poll of the session except while the
//! loop runs ([`SessionSpan::quiet`]); the loop's rare paths that may log (a failed
//! WebSocket, a failed write to the browser, STARTTLS) enter it themselves
//! ([`SessionSpan::entered`], [`SessionSpan::in_scope`]), so every event of a session still
//! carries its `id` and `client`.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use tracing::Span;

/// A session's span, and whether the relay loop is running.
#[derive(Debug)]
pub(crate) struct SessionSpan {
    span: Span,
    quiet: AtomicBool,
}

impl SessionSpan {
    pub(crate) fn new(span: Span) -> Self {
        Self {
            span,
            quiet: AtomicBool::new(false),
        }
    }

    /// The span entered for one poll of the session, unless that poll starts while a
    /// [`Quiet`] guard lives. (A method, not a future wrapper: the session's future is
    /// pinned where it is made, so it is not held twice.)
    pub(crate) fn enter_unless_quiet(&self) -> Option<tracing::span::Entered<'_>> {
        (!self.quiet.load(Ordering::Relaxed)).then(|| self.span.enter())
    }

    /// Polls `future` with the span entered, quiet or not: for the rare paths inside the
    /// relay loop that may log.
    pub(crate) fn entered<'a, F>(&'a self, future: F) -> impl Future<Output = F::Output> + 'a
    where
        F: Future + 'a,
    {
        let mut future = Box::pin(future);
        std::future::poll_fn(move |cx| {
            let _entered = self.span.enter();
            future.as_mut().poll(cx)
        })
    }

    /// Runs `f` with the span entered.
    pub(crate) fn in_scope<T>(&self, f: impl FnOnce() -> T) -> T {
        self.span.in_scope(f)
    }

    /// Keeps the span out of the session's polls until the guard is dropped, and then
    /// until the next poll begins: end the quiet part with [`Quiet::end`].
    pub(crate) fn quiet(&self) -> Quiet<'_> {
        self.quiet.store(true, Ordering::Relaxed);
        Quiet { span: self }
    }
}

/// The relay loop is running: see [`SessionSpan::quiet`].
#[must_use = "the span stays out of the polls only while the guard lives"]
pub(crate) struct Quiet<'a> {
    span: &'a SessionSpan,
}

impl Quiet<'_> {
    /// Ends the quiet part and yields once, so that what follows runs in a poll that
    /// enters the span (the poll that is running began without it).
    pub(crate) async fn end(self) {
        drop(self);
        next_poll().await;
    }
}

/// Yields once, so that what follows runs in the task's next poll.
async fn next_poll() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await;
}

impl Drop for Quiet<'_> {
    fn drop(&mut self) {
        self.span.quiet.store(false, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex, PoisonError};

    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    /// The formatted log, shared with the subscriber.
    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl Write for Log {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            let mut log = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            log.extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Log {
        type Writer = Log;

        fn make_writer(&'a self) -> Log {
            self.clone()
        }
    }

    #[test]
    fn quiet_polls_leave_the_span_out_and_every_event_still_carries_it() {
        let log = Log::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(log.clone())
            .with_ansi(false)
            .without_time()
            .finish();
        let in_quiet_poll = tracing::subscriber::with_default(subscriber, || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                let span = SessionSpan::new(tracing::info_span!("session", id = 7));
                // As `session::run` drives a session.
                let mut session = std::pin::pin!(async {
                    tracing::info!("before the relay");
                    let quiet = span.quiet();
                    next_poll().await;
                    let in_quiet_poll = Span::current();
                    span.entered(async { tracing::info!("a rare path") }).await;
                    span.in_scope(|| tracing::info!("a failure"));
                    quiet.end().await;
                    tracing::info!("after the relay");
                    in_quiet_poll
                });
                std::future::poll_fn(|cx| {
                    let _entered = span.enter_unless_quiet();
                    session.as_mut().poll(cx)
                })
                .await
            })
        });
        assert!(
            in_quiet_poll.is_none(),
            "a poll that starts quiet does not enter the span: {in_quiet_poll:?}"
        );
        let log = String::from_utf8(log.0.lock().expect("log").clone()).expect("UTF-8");
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.len(), 4, "{log}");
        for (line, message) in lines.iter().zip([
            "before the relay",
            "a rare path",
            "a failure",
            "after the relay",
        ]) {
            assert!(
                line.contains("session{id=7}") && line.ends_with(message),
                "{line}"
            );
        }
    }
}
