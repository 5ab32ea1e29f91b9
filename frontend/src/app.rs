//! The root component: it owns the [`State`] reducer and the bridge connection, and is
//! the one place where user input, state, the browser and the network meet. Every
//! callback is built here (the Yew `function_todomvc` style); the components below only
//! render props.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use protocol::lang::Lang;
use protocol::wire::{ClientMsg, ConnectRequest, ServerMsg};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::auth_helper::AuthHelper;
use crate::components::bdat_helper::bdat_helper;
use crate::components::capabilities::Capabilities;
use crate::components::check_panel::{CheckCallbacks, check_panel};
use crate::components::connect_form::ConnectForm;
use crate::components::dns_facts::dns_facts;
use crate::components::export_box::ExportBox;
use crate::components::lesson::Lesson;
use crate::components::mailbox::Mailbox;
use crate::components::mx_list::mx_list;
use crate::components::paste_view::PasteView;
use crate::components::rules_editor::RulesEditor;
use crate::components::scenarios::scenarios_view;
use crate::components::sequence::Sequence;
use crate::components::sessions::SessionsPanel;
use crate::components::state_diagram::StateDiagram;
use crate::components::status::Status;
use crate::components::terminal::{Key, Terminal};
use crate::components::tls_panel::TlsPanel;
use crate::dns;
use crate::export;
use crate::i18n;
use crate::lesson::{DEFAULT_LESSON, FRAGMENT_KEY};
use crate::services::{self, api, bridge, browser, check as check_service, simulator};
use crate::share;
use crate::state::{Action, BridgePresence, CheckRun, State, Submit};
use crate::vocab::{
    Backend, BridgeEvent, ExportKind, FormError, Phase, SendError, SessionId, Theme, View,
};

mod feed;

/// The connection of the active session (bridge or simulator), if any.
type Connection = Rc<RefCell<Option<services::Connection>>>;

/// When the active session's `connected` message arrived (`performance.now()`), so client
/// lines get a time on the same scale as the bridge's `at_ms`.
type Clock = Rc<Cell<Option<f64>>>;

/// Sends `text` if the state allows (see [`State::submit`]), and records what happened.
fn send_line(
    state: &UseReducerHandle<State>,
    connection: &Connection,
    clock: &Clock,
    text: String,
    force: bool,
    queued: bool,
) {
    match state.submit(&text, force) {
        Submit::Refuse(err) => state.dispatch(Action::SendRefused(err)),
        Submit::Warn => state.dispatch(Action::Warn { text, queued }),
        Submit::Send(msg) => send_msg(state, connection, clock, msg, vec![text], queued),
    }
}

/// Hands `msg` to the connection and records `lines` (what it carries) as sent.
fn send_msg(
    state: &UseReducerHandle<State>,
    connection: &Connection,
    clock: &Clock,
    msg: ClientMsg,
    lines: Vec<String>,
    queued: bool,
) {
    let sent = connection
        .borrow()
        .as_ref()
        .is_some_and(|open| open.send(msg));
    if !sent {
        return state.dispatch(Action::SendRefused(SendError::NotConnected));
    }
    let at_ms = since_connect(clock);
    state.dispatch(match <[String; 1]>::try_from(lines) {
        Ok([text]) => Action::Sent {
            text,
            at_ms,
            queued,
        },
        Err(lines) => Action::SentLines {
            lines,
            at_ms,
            queued,
        },
    });
}

/// The most pasted lines sent in one task: the task also records and renders them (about
/// a quarter of a millisecond each in the page benchmark). Each task also costs a layout
/// of its own, so fewer lines per task made the paste slower in all: 128 took 10.5 s for
/// 10,000 lines, 384 took 4.3 s (bench/README.md, page benchmark).
const PASTE_TASK_LINES: usize = 384;

/// The time one task may spend choosing pasted lines to send, ms.
const PASTE_TASK_MS: f64 = 8.0;

/// Whether to take one more batch of a pasted body in this task, after `lines`.
fn paste_budget() -> impl FnMut(usize) -> bool {
    let deadline = browser::now_ms().map(|now| now + PASTE_TASK_MS);
    move |lines| {
        lines < PASTE_TASK_LINES
            && deadline
                .zip(browser::now_ms())
                .is_some_and(|(deadline, now)| now < deadline)
    }
}

/// Hands each batch to the connection as one `lines` message, and records those that
/// went out by one action.
fn send_batches(
    state: &UseReducerHandle<State>,
    connection: &Connection,
    clock: &Clock,
    batches: Vec<Vec<String>>,
) {
    let mut lines = Vec::with_capacity(batches.iter().map(Vec::len).sum());
    let mut refused = false;
    for batch in batches {
        let msg = ClientMsg::Lines {
            text: batch.clone(),
        };
        if !connection
            .borrow()
            .as_ref()
            .is_some_and(|open| open.send(msg))
        {
            refused = true;
            break;
        }
        lines.extend(batch);
    }
    if !lines.is_empty() {
        state.dispatch(Action::SentLines {
            lines,
            at_ms: since_connect(clock),
            queued: true,
        });
    }
    if refused {
        state.dispatch(Action::SendRefused(SendError::NotConnected));
    }
}

/// Whole milliseconds since connecting; the page clock is monotonic.
fn since_connect(clock: &Clock) -> Option<u64> {
    clock
        .get()
        .zip(browser::now_ms())
        .map(|(start, now)| (now - start).max(0.0).round() as u64)
}

/// See the module documentation.
#[component]
pub fn App() -> Html {
    let state = use_reducer(|| State::new(browser::initial_lang(), browser::initial_theme()));
    let connection: Connection = use_mut_ref(|| None);
    let clock: Clock = (*use_state(|| Rc::new(Cell::new(None)))).clone();
    let last_session = use_mut_ref(SessionId::default);
    // The BDAT helper's chunk, kept here until sent (the helper is a plain function).
    let chunk_draft = use_state(String::new);

    // When the state says the session is over (the user left, the bridge closed, the
    // socket failed), drop the connection: that ends its task and closes the socket.
    {
        let connection = connection.clone();
        use_effect_with(state.connection.active, move |active| {
            if active.is_none() {
                connection.borrow_mut().take();
            }
        });
    }
    use_effect_with(state.prefs.lang, |lang| browser::apply_lang(*lang));
    use_effect_with(state.prefs.theme, |theme| browser::apply_theme(*theme));
    use_effect_with((), |()| browser::mark("smtp-playground-interactive"));
    // The page opens with the terminal alone and connects; the side panels, the lessons,
    // the mailbox and the rules wait until the greeting is painted (`State::opening`), so
    // neither their first render nor their requests come before it.
    let settled = use_state(|| false);
    {
        let settled = settled.clone();
        use_effect_with(state.opening(), move |opening| {
            if !*opening && !*settled {
                browser::after_paint(move || {
                    browser::mark("smtp-playground-settled");
                    settled.set(true);
                });
            }
        });
    }
    let settled = *settled;
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |()| {
            if let Some(text) = browser::hash().as_deref().and_then(share::from_fragment) {
                dispatcher.dispatch(Action::OpenShared(text));
            }
        });
    }
    // A link changed in an open tab (a `#lesson=` pasted into the address bar, or a
    // shared transcript's) acts as it would when opened fresh.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |()| {
            let watch = browser::watch_hash(Callback::from(move |hash: String| {
                if let Some(id) = crate::lesson::from_fragment(&hash) {
                    dispatcher.dispatch(Action::PickLesson(id));
                } else if let Some(text) = share::from_fragment(&hash) {
                    dispatcher.dispatch(Action::OpenShared(text));
                }
            }));
            move || drop(watch)
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |()| {
            api::fetch_sandbox(Callback::from(move |result| {
                dispatcher.dispatch(match result {
                    Ok(info) => Action::Sandbox(info),
                    Err(detail) => Action::NoBridge(detail),
                });
            }));
        });
    }
    // Lessons: the index, the lesson the link (or local storage) names, each file when
    // picked, the progress kept per lesson.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(settled, move |settled| {
            if *settled {
                let index = dispatcher.clone();
                api::fetch_lesson_index(Callback::from(move |result| {
                    index.dispatch(Action::LessonIndex(result));
                }));
                let id = browser::initial_lesson().unwrap_or_else(|| DEFAULT_LESSON.to_owned());
                dispatcher.dispatch(Action::PickLesson(id));
            }
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.library.chosen.clone(), move |id| {
            if !id.is_empty() {
                browser::remember_lesson(id);
                let id = id.clone();
                api::fetch_lesson(
                    &id.clone(),
                    Callback::from(move |text| {
                        let stored = browser::stored_progress(&id);
                        dispatcher.dispatch(Action::LessonLoaded {
                            id: id.clone(),
                            text,
                            stored,
                        });
                    }),
                );
            }
        });
    }
    {
        let run = &state.conversation.lesson;
        let key = (
            state.library.chosen.clone(),
            run.lesson().is_some(),
            run.progress().encode(),
            state.library.restarts,
        );
        use_effect_with(key, |(id, loaded, progress, _)| {
            if *loaded {
                browser::store_progress(id, progress);
            }
        });
    }
    let has_sandbox = state.mailbox.has_sandbox() && settled;
    // The sandbox's failure rules and their editor (`services/rules_hook.rs`).
    let rules = crate::services::rules_hook::use_sandbox_rules(has_sandbox);
    let feed = feed::use_feed(&state, settled);
    // The same callbacks across renders, so the mailbox does not render again for them.
    let on_open_message = use_callback(
        (state.dispatcher(), state.form.backend),
        |id: u64, (dispatcher, backend)| {
            dispatcher.dispatch(Action::OpenMessage(id));
            if *backend == Backend::Bridge {
                let dispatcher = dispatcher.clone();
                api::fetch_message(
                    id,
                    Callback::from(move |result| {
                        dispatcher.dispatch(Action::MessageLoaded(result))
                    }),
                );
            }
        },
    );
    let on_close_message = use_callback(state.dispatcher(), |(), dispatcher| {
        dispatcher.dispatch(Action::CloseMessage);
    });
    let on_lines = {
        let dispatcher = state.dispatcher();
        Callback::from(move |lines: Vec<String>| {
            dispatcher.dispatch(Action::Paste(lines));
            browser::focus_command();
        })
    };
    let on_example = {
        let dispatcher = state.dispatcher();
        Callback::from(move |example: String| {
            dispatcher.dispatch(Action::EditDraft(example));
            browser::focus_command();
        })
    };

    // Pasted lines go out one by one, each once the server has answered the one before;
    // a pasted message body, or a group of commands a PIPELINING server lets a client send
    // without waiting, goes out as `lines` batches. Per task, as many batches as fit
    // `paste_budget`, recorded by one action (one render): a 10,000-line body is a few
    // dozen tasks, and the page paints and takes input between them. Only
    // the newest render's send runs: an older one, overtaken by another render before its
    // task came, would send what was already sent.
    let send_turn = use_mut_ref(|| 0_u64);
    {
        let key = (
            state.next_queued().map(str::to_owned),
            state.conversation.transcript.last_id(),
            state.command_line.queue.len(),
        );
        let state = state.clone();
        let connection = connection.clone();
        let clock = clock.clone();
        use_effect_with(key, move |(next, _, _)| {
            let Some(next) = next.clone() else {
                return;
            };
            let turn = {
                let mut turn = send_turn.borrow_mut();
                *turn += 1;
                *turn
            };
            browser::after_yield(move || {
                if *send_turn.borrow() != turn {
                    return;
                }
                let batches = state.next_batches(paste_budget());
                if batches.is_empty() {
                    send_line(&state, &connection, &clock, next, false, true);
                } else {
                    send_batches(&state, &connection, &clock, batches);
                }
            });
        });
    }

    // The DNS facts of a domain, from the connect form or the check.
    let open_dns = use_callback(state.dispatcher(), |domain: String, dispatcher| {
        dispatcher.dispatch(Action::DnsAsked(domain.clone()));
        let dispatcher = dispatcher.clone();
        api::fetch_panel(
            format!("/api/dns?domain={}", api::query_value(&domain)),
            dns::read,
            Callback::from(move |result: Result<_, _>| {
                dispatcher.dispatch(Action::DnsAnswered {
                    domain: domain.clone(),
                    result: result.map(Box::new),
                });
            }),
        );
    });
    // The server check: its run number, and the stream of its events while it runs
    // (dropped when the check ends, is stopped or closed).
    let check_stream = use_mut_ref(|| None::<check_service::CheckStream>);
    let check_runs = use_mut_ref(|| 0_u32);
    {
        let check_stream = check_stream.clone();
        let running = state.check.as_ref().is_some_and(CheckRun::is_running);
        use_effect_with(running, move |running| {
            if !running {
                check_stream.borrow_mut().take();
            }
        });
    }
    let on_check = {
        let state = state.clone();
        let check_stream = check_stream.clone();
        Callback::from(move |()| {
            let Some(target) = state.form.check_target() else {
                let err = state.form.request().err().unwrap_or(FormError::EmptyHost);
                return state.dispatch(Action::FormRejected(err));
            };
            let run = {
                let mut runs = check_runs.borrow_mut();
                *runs += 1;
                *runs
            };
            state.dispatch(Action::CheckStarted {
                run,
                target: target.label(),
            });
            if state.form.backend.is_simulator() {
                return;
            }
            let dispatcher = state.dispatcher();
            let on_step = Callback::from(move |step| {
                dispatcher.dispatch(Action::CheckEvent {
                    run,
                    step: Box::new(step),
                });
            });
            *check_stream.borrow_mut() = check_service::start(&target, on_step);
        })
    };
    let on_dns = {
        let domain = state.form.domain();
        let open_dns = open_dns.clone();
        Callback::from(move |()| {
            if let Some(domain) = domain.clone() {
                open_dns.emit(domain);
            }
        })
    };

    let dispatch = state.dispatcher().to_callback();
    let on_host = dispatch.reform(Action::EditHost);
    let on_port = dispatch.reform(Action::EditPort);
    let on_tls = dispatch.reform(Action::SelectTls);
    let on_preset = dispatch.reform(Action::Preset);
    let on_insecure = dispatch.reform(Action::SetInsecure);
    let on_by_mx = dispatch.reform(Action::SetByMx);
    let on_backend = dispatch.reform(Action::SelectBackend);
    let on_input = dispatch.reform(Action::EditDraft);
    let on_paste = dispatch.reform(Action::Paste);
    let on_key = dispatch.reform(|key| match key {
        Key::Up => Action::HistoryUp,
        Key::Down => Action::HistoryDown,
        Key::Tab => Action::Complete,
        Key::ClearScreen => Action::ClearScreen,
        Key::Escape => Action::Cancel,
    });

    let on_connect = {
        let state = state.clone();
        let connection = connection.clone();
        let clock = clock.clone();
        // `picked`: a host of the MX list to connect to instead of the form's target.
        Callback::from(move |picked: Option<String>| {
            let backend = state.form.backend;
            let request = if backend.is_simulator() {
                // The simulator needs no address; the TLS mode still applies.
                ConnectRequest {
                    host: simulator::HOSTNAME.to_owned(),
                    port: 25,
                    tls: state.form.tls,
                    insecure: false,
                    ..ConnectRequest::default()
                }
            } else {
                match (state.form.request(), picked) {
                    (Ok(request), Some(host)) => crate::state::to_host(request, host),
                    (Ok(request), None) => request,
                    (Err(err), _) => return state.dispatch(Action::FormRejected(err)),
                }
            };
            if let Some(previous) = connection.borrow_mut().take() {
                previous.close();
            }
            let session = {
                let mut last = last_session.borrow_mut();
                *last = last.next();
                *last
            };
            clock.set(None);
            state.dispatch(Action::Connect {
                session,
                request: request.clone(),
                backend,
            });
            let dispatcher = state.dispatcher();
            let clock = clock.clone();
            let on_event = Callback::from(move |event: BridgeEvent| {
                if matches!(event, BridgeEvent::Message(ServerMsg::Connected { .. })) {
                    clock.set(browser::now_ms());
                }
                dispatcher.dispatch(Action::Bridge { session, event });
            });
            let opened = match backend {
                Backend::Simulator => {
                    let dispatcher = state.dispatcher();
                    let on_delivered = Callback::from(move |message| {
                        dispatcher.dispatch(Action::SimulatedDelivery {
                            message: Box::new(message),
                            received_at: browser::now_iso(),
                        });
                    });
                    Some(simulator::connect(request, on_event, on_delivered))
                }
                Backend::Bridge => bridge::connect(request, on_event),
            };
            match opened {
                Some(opened) => {
                    if let Some(previous) = connection.borrow_mut().replace(opened) {
                        previous.close();
                    }
                }
                // Never opened: the reducer says so and falls back to the simulator.
                None => state.dispatch(Action::Bridge {
                    session,
                    event: BridgeEvent::SocketClosed {
                        detail: String::new(),
                    },
                }),
            }
        })
    };

    // The page opens connected: to the bridge's sandbox, or to the simulator without a
    // bridge (the reducer decides when; see `State::auto_connect`).
    {
        let on_connect = on_connect.clone();
        use_effect_with(state.connection.auto_connect, move |auto| {
            if *auto {
                on_connect.emit(None);
            }
        });
    }

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

    let on_submit = {
        let state = state.clone();
        let connection = connection.clone();
        let clock = clock.clone();
        Callback::from(move |force: bool| {
            let text = state.command_line.draft.clone();
            send_line(&state, &connection, &clock, text, force, false);
        })
    };
    // Lines from the AUTH helper are built by the page, not typed: sent without warnings.
    let on_auth_line = {
        let state = state.clone();
        let connection = connection.clone();
        let clock = clock.clone();
        Callback::from(move |text: String| {
            send_line(&state, &connection, &clock, text, true, false);
        })
    };

    let lang = state.prefs.lang;
    let ui = i18n::ui(lang);
    let on_lang = dispatch.reform(|e: Event| {
        Action::SetLang(Lang::from_tag(
            &e.target_unchecked_into::<HtmlSelectElement>().value(),
        ))
    });
    let on_theme = dispatch.reform({
        let theme = state.prefs.theme;
        move |_: MouseEvent| Action::SetTheme(theme.toggled())
    });
    let show = |view: View| dispatch.reform(move |_: MouseEvent| Action::ShowView(view));
    let export =
        |kind: ExportKind| dispatch.reform(move |_: MouseEvent| Action::ShowExport(Some(kind)));
    // On the paste view, Export and Share take the pasted transcript; on the terminal,
    // the whole session (Ctrl+L only clears the screen).
    let export_content = state.prefs.export.map(|kind| {
        let pasted = state.prefs.paste_source();
        let transcript = match &pasted {
            Some(text) => Rc::new(crate::pasted::annotate(text).transcript),
            None => state.conversation.transcript.clone(),
        };
        match kind {
            ExportKind::Text => export::text(&transcript, lang),
            ExportKind::Json => export::json(&transcript, lang),
            ExportKind::Swaks => export::swaks(&transcript),
            ExportKind::Link => browser::link_with_fragment(&share::fragment(
                &pasted.map_or_else(|| export::text(&transcript, lang), |text| text.to_string()),
            )),
        }
    });
    let on_copy = {
        let content = export_content.clone().unwrap_or_default();
        Callback::from(move |()| {
            browser::copy(&content);
        })
    };
    let on_close_export = dispatch.reform(|()| Action::ShowExport(None));
    let theme_label = match state.prefs.theme {
        Theme::Dark => ui.theme_light,
        Theme::Light => ui.theme_dark,
    };
    let terminal_view = state.prefs.view == View::Terminal;
    let demo = if state.form.backend.is_simulator() {
        let (user, password) = simulator::DEMO_ACCOUNT;
        Some((user.to_owned(), password.to_owned()))
    } else {
        state.mailbox.sandbox.as_ref().and_then(|s| s.demo.clone())
    };

    html! {
        <div class={classes!("app", (state.connection.phase != Phase::Disconnected).then_some("online"))}>
            <header class="top">
                <h1>{ ui.title }</h1>
                <Status phase={state.connection.phase.clone()} backend={state.connection.backend} link={state.link()} {lang} />
                <div class="tools">
                    <label class="lang">
                        <span class="sr-only">{ ui.language }</span>
                        <select id="lang" onchange={on_lang} aria-label={ui.language}>
                            { for [Lang::En, Lang::ZhCn].into_iter().map(|l| html! {
                                <option value={l.tag()} selected={l == lang}>{ i18n::lang_name(l) }</option>
                            }) }
                        </select>
                    </label>
                    <button id="theme" type="button" onclick={on_theme}>{ theme_label }</button>
                </div>
            </header>
            <nav class="tabs" aria-label={ui.title}>
                <button id="tab-terminal" type="button" class={classes!("tab", terminal_view.then_some("active"))}
                    aria-pressed={terminal_view.to_string()} onclick={show(View::Terminal)}>{ ui.tab_terminal }</button>
                <button id="tab-paste" type="button" class={classes!("tab", (!terminal_view).then_some("active"))}
                    aria-pressed={(!terminal_view).to_string()} onclick={show(View::Paste)}>{ ui.tab_paste }</button>
                <span class="spacer"></span>
                <button id="export-text" type="button" onclick={export(ExportKind::Text)}>{ ui.export_text }</button>
                <button id="export-json" type="button" onclick={export(ExportKind::Json)}>{ ui.export_json }</button>
                <button id="export-swaks" type="button" onclick={export(ExportKind::Swaks)}>{ ui.export_swaks }</button>
                <button id="share" type="button" onclick={export(ExportKind::Link)}>{ ui.share }</button>
            </nav>
            if let Some(content) = export_content {
                <ExportBox {content} {lang} {on_copy} on_close={on_close_export} />
            }
            <main>
                if terminal_view {
                    <ConnectForm
                        values={state.form.clone()}
                        phase={state.connection.phase.clone()}
                        {lang}
                        {on_host}
                        {on_port}
                        {on_tls}
                        {on_preset}
                        {on_insecure}
                        {on_by_mx}
                        {on_check}
                        {on_dns}
                        checking={state.check.as_ref().is_some_and(CheckRun::is_running)}
                        {on_backend}
                        no_bridge={state.mailbox.bridge == BridgePresence::Absent}
                        on_connect={on_connect.reform(|()| None)}
                        {on_disconnect}
                    />
                    if let Some(list) = &state.connection.mx {
                        { mx_list(list, lang, &on_connect.reform(Some)) }
                    }
                    if state.dns.is_some() || state.check.is_some() {
                        <div class="reports">
                            if let Some(run) = &state.check {
                                { check_panel(run, state.form.by_mx.then(|| state.form.domain()).flatten(), lang, &CheckCallbacks {
                                    stop: dispatch.reform(|()| Action::StopCheck),
                                    close: dispatch.reform(|()| Action::CloseCheck),
                                    dns: open_dns.clone(),
                                }) }
                            }
                            if let Some(view) = &state.dns {
                                { dns_facts(view, lang, &dispatch.reform(|()| Action::CloseDns)) }
                            }
                        </div>
                    } else {
                    <div class="workspace">
                        <Terminal
                            transcript={state.conversation.transcript.clone()}
                            {lang}
                            ready={state.is_connected()}
                            prompt={i18n::terminal::prompt(lang, state.is_connected().then(|| state.session().phase()))}
                            phase={state.prompt()}
                            in_message={state.in_message()}
                            dot_held={state.dot_held()}
                            awaiting_greeting={state.awaiting_greeting()}
                            draft={state.command_line.draft.clone()}
                            warnings={state.warnings()}
                            live_warnings={state.live_warnings()}
                            candidates={state.command_line.candidates.clone()}
                            queued={state.command_line.queue.len()}
                            {on_input}
                            {on_submit}
                            {on_key}
                            on_paste={on_paste.clone()}
                        />
                        <aside class="side">
                            if settled {
                            if let Some(step) = state.auth_step() {
                                <AuthHelper {step} {lang} on_line={on_auth_line} />
                            }
                            if state.chunk_helper_open() {
                                { bdat_helper(&chunk_draft, lang, &on_paste) }
                            }
                            if let Some(info) = state.connection.tls.clone() {
                                <TlsPanel {info} {lang} />
                            }
                            <StateDiagram phase={state.is_connected().then(|| state.session().phase())} {lang} />
                            <Lesson index={state.library.index.clone()} index_failed={state.library.index_failed}
                                chosen={state.library.chosen.clone()} lesson={state.conversation.lesson.lesson().cloned()}
                                progress={state.conversation.lesson.progress().clone()} resumed={state.conversation.lesson.resumed()}
                                offered={state.conversation.lesson.offered(state.session())}
                                catch_up={state.conversation.lesson.catch_up(state.session())} loading={state.library.loading}
                                problem={state.library.problem.clone()}
                                link={browser::link_with_fragment(&format!("{FRAGMENT_KEY}{}", state.library.chosen))}
                                demo={demo} {lang} on_example={on_example.clone()} on_lines={on_lines}
                                on_pick={dispatch.reform(Action::PickLesson)} on_restart={dispatch.reform(|()| Action::RestartLesson)} />
                            if let Some(mailbox) = state.mailbox_list() {
                                <Mailbox {mailbox} simulated={state.form.backend.is_simulator()} message={state.mailbox.message.clone()}
                                    per_visitor={state.mailbox.sandbox.as_ref().is_some_and(|s| s.per_visitor)}
                                    {lang} on_refresh={feed.refresh_mailbox.clone()} on_open={on_open_message} on_close={on_close_message}
                                    on_show_session={feed.open_session.clone()} />
                            }
                            if state.mailbox.has_sandbox() || state.form.backend.is_simulator() {
                                { scenarios_view(lang, &on_example) }
                            }
                            <Capabilities caps={state.capabilities().cloned()} {lang} />
                            if has_sandbox && !state.form.backend.is_simulator() {
                                <SessionsPanel list={state.sessions.list.clone()} error={state.sessions.error.clone()}
                                    opened={state.sessions.opened.clone()} {lang}
                                    on_open={feed.open_session.clone()} on_close={feed.close_session.clone()} />
                            }
                            if has_sandbox && !state.form.backend.is_simulator() {
                                <RulesEditor document={rules.document.clone()} applying={rules.applying.clone()} {lang}
                                    on_apply={rules.apply.clone()} on_reload={rules.reload.clone()} />
                            }
                            <Sequence transcript={state.conversation.transcript.clone()} {lang} theme={state.prefs.theme} />
                            }
                        </aside>
                    </div>
                    }
                } else {
                    <PasteView {lang} shared={state.prefs.shared.clone()} pasted={state.prefs.pasted.clone()}
                        on_annotate={dispatch.reform(Action::Pasted)} />
                }
            </main>
            <footer class="legend" aria-label={i18n::terminal::legend_label(lang)}>
                <span class="key client">{ ui.legend[0] }</span>
                <span class="key server">{ ui.legend[1] }</span>
                <span class="key reply-2">{ ui.legend[2] }</span>
                <span class="key reply-3">{ ui.legend[3] }</span>
                <span class="key reply-4">{ ui.legend[4] }</span>
                <span class="key reply-5">{ ui.legend[5] }</span>
            </footer>
        </div>
    }
}
