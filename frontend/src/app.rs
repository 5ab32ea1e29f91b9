//! The root component: it owns the [`State`] reducer and the bridge connection, and is
//! the one place where user input, state and the network meet. Every callback is built
//! here (the Yew `function_todomvc` style); the components below only render props.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::components::connect_form::ConnectForm;
use crate::components::status::Status;
use crate::components::terminal::Terminal;
use crate::services::bridge::{self, BridgeConnection};
use crate::state::{Action, BridgeEvent, SendError, SessionId, State};

/// The connection of the active session, if any.
type Connection = Rc<RefCell<Option<BridgeConnection>>>;

/// See the module documentation.
#[component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    let connection: Connection = use_mut_ref(|| None);
    let last_session = use_mut_ref(SessionId::default);

    // When the state says the session is over (the user left, the bridge closed, the
    // socket failed), drop the connection: that ends its task and closes the socket.
    {
        let connection = connection.clone();
        use_effect_with(state.active, move |active| {
            if active.is_none() {
                connection.borrow_mut().take();
            }
        });
    }

    let dispatch = state.dispatcher().to_callback();
    let on_host = dispatch.reform(Action::EditHost);
    let on_port = dispatch.reform(Action::EditPort);
    let on_tls = dispatch.reform(Action::SelectTls);

    let on_connect = {
        let state = state.clone();
        let connection = connection.clone();
        Callback::from(move |()| {
            let request = match state.form.request() {
                Ok(request) => request,
                Err(err) => return state.dispatch(Action::FormRejected(err)),
            };
            let session = {
                let mut last = last_session.borrow_mut();
                *last = last.next();
                *last
            };
            state.dispatch(Action::Connect {
                session,
                request: request.clone(),
            });
            let dispatcher = state.dispatcher();
            let on_event = Callback::from(move |event| {
                dispatcher.dispatch(Action::Bridge { session, event });
            });
            match bridge::connect(request, on_event) {
                Ok(opened) => {
                    if let Some(previous) = connection.borrow_mut().replace(opened) {
                        previous.close();
                    }
                }
                Err(err) => state.dispatch(Action::Bridge {
                    session,
                    event: BridgeEvent::SocketClosed {
                        detail: err.to_string(),
                    },
                }),
            }
        })
    };

    let on_disconnect = {
        let state = state.clone();
        let connection = connection.clone();
        Callback::from(move |()| {
            if let Some(open) = connection.borrow_mut().take() {
                open.close();
            }
            state.dispatch(Action::Disconnect);
        })
    };

    let on_send = {
        let state = state.clone();
        Callback::from(move |text: String| -> bool {
            let msg = match state.prepare_line(&text) {
                Ok(msg) => msg,
                Err(err) => {
                    state.dispatch(Action::SendRefused(err));
                    return false;
                }
            };
            let sent = connection
                .borrow()
                .as_ref()
                .is_some_and(|open| open.send(msg));
            state.dispatch(if sent {
                Action::Sent(text)
            } else {
                Action::SendRefused(SendError::NotConnected)
            });
            sent
        })
    };

    html! {
        <div class="app">
            <header class="top">
                <h1>{ "SMTP Playground" }</h1>
                <Status phase={state.phase.clone()} />
            </header>
            <main>
                <ConnectForm
                    values={state.form.clone()}
                    phase={state.phase.clone()}
                    {on_host}
                    {on_port}
                    {on_tls}
                    {on_connect}
                    {on_disconnect}
                />
                <Terminal
                    transcript={state.transcript.clone()}
                    ready={state.is_connected()}
                    {on_send}
                />
            </main>
            <footer class="legend" aria-label="Legend">
                <span class="key client">{ "C: you" }</span>
                <span class="key server">{ "S: server" }</span>
                <span class="key reply-2">{ "2xx done" }</span>
                <span class="key reply-3">{ "3xx go on" }</span>
                <span class="key reply-4">{ "4xx try later" }</span>
                <span class="key reply-5">{ "5xx failed" }</span>
            </footer>
        </div>
    }
}
