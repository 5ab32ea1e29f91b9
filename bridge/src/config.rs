//! What can be changed about a running bridge, from flags or the environment.
//!
//! [`Config`] holds what [`app`](crate::app) needs; where to listen is not part of it, because
//! tests hand [`serve`](crate::serve) a listener bound to `127.0.0.1:0` instead.

use std::path::PathBuf;

use crate::origin;

/// Settings of the web app: where the frontend comes from and which pages may open sessions.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Config {
    /// Serve the browser app from this folder (for example `dist`, built by
    /// `scripts/build-frontend.sh`) instead of the copy built into the binary.
    #[arg(long, value_name = "DIR", env = "SMTP_PLAYGROUND_FRONTEND_DIR")]
    pub frontend_dir: Option<PathBuf>,

    /// Also accept WebSocket sessions from pages served at this origin, such as a
    /// development server (`http://127.0.0.1:8081`). Repeat for several. Pages served by the
    /// bridge itself are always accepted.
    #[arg(long = "allow-origin", value_name = "ORIGIN", value_parser = origin::normalize_allowed)]
    pub allowed_origins: Vec<String>,
}
