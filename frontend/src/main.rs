//! The WebAssembly entry point: ask for the sandbox's address, then mount the app on
//! `<body>`.

fn main() {
    frontend::services::api::ask_sandbox();
    yew::Renderer::<frontend::app::App>::new().render();
}
