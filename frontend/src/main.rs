//! The WebAssembly entry point: mount the app on `<body>`.

fn main() {
    yew::Renderer::<frontend::app::App>::new().render();
}
