//! The connection: which session is current, where it runs, how far it got, its TLS, and
//! whether the page may open one by itself.

use std::rc::Rc;

use protocol::wire::{ConnectRequest, TlsInfo, TlsMode};

use crate::mx::MxView;
use crate::vocab::{Backend, Phase, SessionId};

/// The connection part of the state; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// The connection's progress.
    pub phase: Phase,
    /// The connection whose events are accepted; `None` when there is none.
    pub active: Option<SessionId>,
    /// Where the current (or last) session runs.
    pub backend: Backend,
    /// The TLS facts of the bridge, when it sent them.
    pub tls: Option<Rc<TlsInfo>>,
    /// The domain's mail servers, when this connection goes by MX; kept after the
    /// session ends, so the user can pick another host.
    pub mx: Option<Rc<MxView>>,
    /// The app should open a connection now (to the sandbox, or the simulator without a
    /// bridge); cleared when it does.
    pub auto_connect: bool,
    /// The user pressed Disconnect in this page: never connect by ourselves again.
    user_disconnected: bool,
    /// The current session is one the page opened by itself (`auto_connect`).
    by_itself: bool,
    /// The connection uses implicit TLS.
    implicit_tls: bool,
}

impl Connection {
    /// Whether lines can be sent now.
    pub fn is_connected(&self) -> bool {
        matches!(self.phase, Phase::Connected { .. })
    }

    /// Whether the connection is TLS from its first byte (port 465).
    pub fn is_implicit_tls(&self) -> bool {
        self.implicit_tls
    }

    /// Whether a session the page opened by itself is still on its way to the server's
    /// first line: connecting, or connected with no greeting yet (`greeted`).
    pub fn opening_by_itself(&self, greeted: bool) -> bool {
        self.by_itself
            && match self.phase {
                Phase::Disconnected => false,
                Phase::Connecting { .. } => true,
                Phase::Connected { .. } => !greeted,
            }
    }

    /// Whether the page may open a connection without being asked: not while one is
    /// open, not after the user disconnected.
    pub fn may_open_by_itself(&self) -> bool {
        self.active.is_none() && !self.user_disconnected
    }

    /// A new connection `session` to `request` (`target` is `host:port`) is opening on
    /// `backend`. By MX, the MX list waits for the bridge's; a host picked from the list
    /// keeps it.
    pub fn start(
        &mut self,
        session: SessionId,
        request: &ConnectRequest,
        target: String,
        backend: Backend,
    ) {
        let same_domain = self.mx.as_ref().is_some_and(|v| v.domain == request.host);
        self.mx = match (request.by_mx, request.mx_host.is_some() && same_domain) {
            (false, _) => None,
            (true, true) => self.mx.take().map(|mut view| {
                Rc::make_mut(&mut view).connected = None;
                view
            }),
            (true, false) => Some(Rc::new(MxView::resolving(&request.host))),
        };
        self.backend = backend;
        self.by_itself = self.auto_connect;
        self.auto_connect = false;
        self.phase = Phase::Connecting { target };
        self.active = Some(session);
        self.implicit_tls = false;
        self.tls = None;
    }

    /// The bridge connected to `peer` with `tls`.
    pub fn connected(&mut self, peer: String, tls: TlsMode) {
        self.implicit_tls = tls == TlsMode::Implicit;
        self.phase = Phase::Connected { peer, tls };
    }

    /// TLS is up; `info` is what the bridge said about it.
    pub fn tls_started(&mut self, info: Rc<TlsInfo>) {
        if info.mode == TlsMode::Implicit {
            self.implicit_tls = true;
        }
        self.tls = Some(info);
    }

    /// The session is over; events of the old one are no longer accepted.
    pub fn end(&mut self) {
        self.phase = Phase::Disconnected;
        self.active = None;
    }

    /// The user ended the session: the page must not reconnect by itself.
    pub fn end_by_user(&mut self) {
        self.user_disconnected = true;
        self.end();
    }
}
