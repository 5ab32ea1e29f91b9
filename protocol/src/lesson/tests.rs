//! The lesson format, its conditions, and every lesson in `lessons/` played against the
//! sandbox's own server session, as a learner who clicks the examples.

mod conditions;
mod files;
mod format;
mod learner;
