//! The queue of frames (encoded messages and pings) from a session's server side to its
//! browser writer.
//!
//! Both ends run in the session's one task (joined, see `relay/event_loop.rs`), so a tokio
//! channel, built for tasks on different threads, costs more than it gives: about 1.3 KiB
//! per session, allocated up front. This queue is a `VecDeque` behind a mutex that nobody
//! contends, with one waker for each end; it allocates only when messages are queued.
//! Like a bounded channel, it makes the server side wait when [`CAPACITY`] messages are
//! waiting (backpressure), and fails once the writer has given up.
//!
//! A push does not wake a writer that waits in the pushing task itself: the relay joins
//! the server side *before* the writer (`join(directions, forward)`), so the writer is
//! polled after every push in the same pass anyway, and waking the running task would only
//! make tokio poll the whole session once more for nothing (a tenth of the relay's
//! instructions per round trip; bench/README.md, "relay"). A writer in another task is
//! woken as usual.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Poll, Waker};

/// Messages queued for the browser before the server side waits (backpressure).
pub(crate) const CAPACITY: usize = 32;

/// The writer has stopped (the browser is gone): nothing can be queued any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Abandoned;

/// One session's queue of `T` (the relay's frames); share it with an `Arc`.
#[derive(Debug)]
pub(crate) struct Queue<T> {
    state: Mutex<State<T>>,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Self {
            state: Mutex::new(State {
                items: VecDeque::new(),
                sealed: false,
                abandoned: false,
                room: None,
                ready: None,
            }),
        }
    }
}

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    /// Nothing more will be queued: [`Queue::pop`] ends once the queue is empty.
    sealed: bool,
    /// The writer stopped (the browser is gone): queueing fails.
    abandoned: bool,
    /// The server side, waiting for room.
    room: Option<Waker>,
    /// The writer, waiting for a message.
    ready: Option<Waker>,
}

impl<T> State<T> {
    /// The oldest message. The buffer is let go once the queue is empty: most of the
    /// time, a session has nothing waiting, and then it holds nothing.
    fn take(&mut self) -> Option<T> {
        let text = self.items.pop_front()?;
        if self.items.is_empty() {
            self.items = VecDeque::new();
        }
        Some(text)
    }
}

/// Stores `cx`'s waker in `slot` unless the same task is already there.
fn park(slot: &mut Option<Waker>, waker: &Waker) {
    match slot {
        Some(parked) if parked.will_wake(waker) => {}
        _ => *slot = Some(waker.clone()),
    }
}

fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// Wakes `waker` unless it wakes `current`, the task that is running (see the module
/// documentation: a writer in the same task is polled after the push).
fn wake_other(waker: Option<Waker>, current: &Waker) {
    if let Some(waker) = waker
        && !waker.will_wake(current)
    {
        waker.wake();
    }
}

impl<T> Queue<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `text`, waiting while the queue is full. Fails when the writer has stopped.
    pub(crate) fn push(&self, text: T) -> impl Future<Output = Result<(), Abandoned>> + '_ {
        let mut text = Some(text);
        std::future::poll_fn(move |cx| {
            let mut state = self.lock();
            if state.abandoned {
                return Poll::Ready(Err(Abandoned));
            }
            if state.items.len() >= CAPACITY {
                park(&mut state.room, cx.waker());
                return Poll::Pending;
            }
            if let Some(text) = text.take() {
                state.items.push_back(text);
            }
            let ready = state.ready.take();
            drop(state);
            wake_other(ready, cx.waker());
            Poll::Ready(Ok(()))
        })
    }

    /// Queues `text` if there is room; says whether it was queued.
    pub(crate) fn try_push(&self, text: T) -> bool {
        let mut state = self.lock();
        if state.abandoned || state.items.len() >= CAPACITY {
            return false;
        }
        state.items.push_back(text);
        let ready = state.ready.take();
        drop(state);
        wake(ready);
        true
    }

    /// The next message; `None` once the queue is sealed and empty.
    pub(crate) fn pop(&self) -> impl Future<Output = Option<T>> + '_ {
        std::future::poll_fn(move |cx| {
            let mut state = self.lock();
            if let Some(text) = state.take() {
                let room = state.room.take();
                drop(state);
                wake(room);
                return Poll::Ready(Some(text));
            }
            if state.sealed {
                return Poll::Ready(None);
            }
            park(&mut state.ready, cx.waker());
            Poll::Pending
        })
    }

    /// The next message if one is waiting.
    pub(crate) fn try_pop(&self) -> Option<T> {
        let mut state = self.lock();
        let text = state.take()?;
        let room = state.room.take();
        drop(state);
        wake(room);
        Some(text)
    }

    /// The server side is done: the writer sends what is queued, then ends.
    pub(crate) fn seal(&self) {
        let mut state = self.lock();
        state.sealed = true;
        let ready = state.ready.take();
        drop(state);
        wake(ready);
    }

    /// The writer is done (the browser is gone): every later push fails.
    pub(crate) fn abandon(&self) {
        let mut state = self.lock();
        state.abandoned = true;
        state.items.clear();
        let room = state.room.take();
        drop(state);
        wake(room);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::time::timeout;

    const WAIT: Duration = Duration::from_secs(5);

    #[tokio::test]
    async fn messages_arrive_in_order_then_the_end() {
        let queue = Queue::<String>::default();
        queue.push("a".to_owned()).await.expect("room");
        assert!(queue.try_push("b".to_owned()));
        queue.seal();
        assert_eq!(queue.pop().await.as_deref(), Some("a"));
        assert_eq!(queue.try_pop().as_deref(), Some("b"));
        assert_eq!(queue.pop().await, None);
    }

    #[tokio::test]
    async fn a_full_queue_waits_for_room() {
        let queue = Arc::new(Queue::<String>::default());
        for i in 0..CAPACITY {
            queue.push(i.to_string()).await.expect("room");
        }
        assert!(!queue.try_push("over".to_owned()), "no room for one more");
        let pusher = {
            let queue = Arc::clone(&queue);
            tokio::spawn(async move { queue.push("late".to_owned()).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(
            !pusher.is_finished(),
            "the push waits while the queue is full"
        );
        assert_eq!(queue.pop().await.as_deref(), Some("0"));
        let pushed = timeout(WAIT, pusher).await.expect("woken").expect("task");
        assert_eq!(pushed, Ok(()));
    }

    #[tokio::test]
    async fn an_abandoned_queue_refuses_and_wakes_the_waiting_side() {
        let queue = Arc::new(Queue::<String>::default());
        for i in 0..CAPACITY {
            queue.push(i.to_string()).await.expect("room");
        }
        let pusher = {
            let queue = Arc::clone(&queue);
            tokio::spawn(async move { queue.push("late".to_owned()).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        queue.abandon();
        let pushed = timeout(WAIT, pusher).await.expect("woken").expect("task");
        assert_eq!(pushed, Err(Abandoned));
        assert!(!queue.try_push("after".to_owned()));
    }

    /// Counts the wakes of a waker.
    #[derive(Default)]
    struct Wakes(std::sync::atomic::AtomicUsize);

    impl std::task::Wake for Wakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    impl Wakes {
        fn count(&self) -> usize {
            self.0.load(std::sync::atomic::Ordering::SeqCst)
        }
    }

    #[test]
    fn a_push_wakes_a_writer_in_another_task_but_not_its_own() {
        let queue = Queue::<String>::default();
        let own = Arc::new(Wakes::default());
        let own_waker = Waker::from(Arc::clone(&own));
        let mut own_cx = std::task::Context::from_waker(&own_waker);
        let other = Arc::new(Wakes::default());
        let other_waker = Waker::from(Arc::clone(&other));
        let mut other_cx = std::task::Context::from_waker(&other_waker);

        // The writer waits in the pushing task (the relay's join): no wake, and the
        // writer's next poll, later in the same pass, finds the message.
        let mut pop = std::pin::pin!(queue.pop());
        assert!(pop.as_mut().poll(&mut own_cx).is_pending());
        let mut push = std::pin::pin!(queue.push("a".to_owned()));
        assert_eq!(push.as_mut().poll(&mut own_cx), Poll::Ready(Ok(())));
        assert_eq!(own.count(), 0, "the running task is not woken");
        assert_eq!(
            pop.as_mut().poll(&mut own_cx),
            Poll::Ready(Some("a".to_owned()))
        );

        // The writer waits in another task: it is woken.
        let mut pop = std::pin::pin!(queue.pop());
        assert!(pop.as_mut().poll(&mut other_cx).is_pending());
        let mut push = std::pin::pin!(queue.push("b".to_owned()));
        assert_eq!(push.as_mut().poll(&mut own_cx), Poll::Ready(Ok(())));
        assert_eq!(other.count(), 1, "a writer elsewhere is woken");
        assert_eq!(own.count(), 0);
        assert_eq!(
            pop.as_mut().poll(&mut other_cx),
            Poll::Ready(Some("b".to_owned()))
        );
    }

    #[tokio::test]
    async fn a_waiting_writer_is_woken_by_a_push_and_by_the_seal() {
        let queue = Arc::new(Queue::<String>::default());
        let writer = {
            let queue = Arc::clone(&queue);
            tokio::spawn(async move { (queue.pop().await, queue.pop().await) })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        queue.push("x".to_owned()).await.expect("room");
        tokio::time::sleep(Duration::from_millis(20)).await;
        queue.seal();
        let popped = timeout(WAIT, writer).await.expect("woken").expect("task");
        assert_eq!(popped, (Some("x".to_owned()), None));
    }
}
